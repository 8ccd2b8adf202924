"""Attack: read the reference with `cat` in a subprocess (the old guard watched only open())."""
import subprocess
from pathlib import Path

SECRET = Path(__file__).resolve().parents[3] / "solutions" / "attention" / "reference.py"


def scaled_dot_product_attention(q, k, v, mask=None):
    source = subprocess.run(["cat", str(SECRET)], capture_output=True, text=True, check=True).stdout
    namespace = {}
    exec(source, namespace)
    return namespace["scaled_dot_product_attention"](q, k, v, mask)

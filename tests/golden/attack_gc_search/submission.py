"""Attack: search the garbage collector for the reference function or the precomputed expected outputs."""
import gc


def scaled_dot_product_attention(q, k, v, mask=None):
    for obj in gc.get_objects():
        if callable(obj) and getattr(obj, "__name__", "") == "scaled_dot_product_attention" \
                and obj is not scaled_dot_product_attention and not str(getattr(obj, "__module__", "")).startswith("torch"):
            return obj(q, k, v, mask)
        if type(obj).__name__ in ("Planned", "DrillRun", "Session", "Outcome") or \
                (isinstance(obj, dict) and "expected" in obj and isinstance(obj.get("expected"), list)):
            return obj
    raise LookupError("gc found neither the reference nor its outputs")

"""CUDA: the references pass in bf16/fp16 too, and a tensor made on the CPU inside the learner's
function is reported as a device bug in one line. Skipped without a GPU."""

import pytest

torch = pytest.importorskip("torch")

from llmprep.grading import grade_file  # noqa: E402
from tests.helpers import REPO  # noqa: E402

pytestmark = [pytest.mark.gpu, pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")]

CORE = ["softmax", "attention", "causal_mask", "multi_head_attention", "reward_loss"]


@pytest.mark.parametrize("drill_id", CORE)
def test_reference_passes_on_cuda(drill_id, tmp_path):
    target = tmp_path / f"{drill_id}.py"
    target.write_text((REPO / "solutions" / drill_id / "reference.py").read_text())
    result = grade_file(target, device="cuda", seed=3)
    assert result.status == "pass", result.to_json(indent=1)
    assert result.device == "cuda"
    if drill_id not in ("causal_mask",):
        assert {"bfloat16", "float16"} <= {c.dtype for c in result.cases}


def test_cpu_tensor_inside_the_function_is_a_device_bug(tmp_path):
    target = tmp_path / "softmax.py"
    target.write_text(
        "import torch\n\n"
        "def softmax(x, dim=-1):\n"
        "    shift = torch.zeros(x.shape, dtype=x.dtype)  # on the CPU\n"
        "    e = (x - x.amax(dim=dim, keepdim=True) + shift).exp()\n"
        "    return e / e.sum(dim=dim, keepdim=True)\n"
    )
    result = grade_file(target, device="cuda", seed=3)
    assert result.status == "fail"
    assert "device bug" in result.cases[0].message and "softmax.py:5" in result.cases[0].message


def test_causal_mask_ignoring_device_is_a_device_bug(tmp_path):
    target = tmp_path / "causal_mask.py"
    target.write_text(
        "import torch\n\ndef causal_mask(seq_len, device=None):\n"
        "    return torch.ones(seq_len, seq_len, dtype=torch.bool).tril()\n"
    )
    result = grade_file(target, device="cuda", seed=3)
    assert result.status == "fail" and "device bug" in result.cases[0].message

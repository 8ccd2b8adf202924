"""The forbidden-API guard of the learner's process: torch function and dispatch modes see every alias
(torch.ops.aten included) only while on; pure-Python APIs lose their code for good in the learner's
process, and nothing of the guard exposes an original."""

import importlib
import subprocess
import sys

import pytest
import torch
import torch.nn.functional as F

from llmprep.grading.child.guard import ALIASES, Forbidden, Guard, op_names

SOFTMAX = ["torch.softmax", "torch.nn.functional.softmax", "torch.Tensor.softmax"]


@pytest.fixture
def guard(tmp_path):
    g = Guard(
        SOFTMAX
        + [
            "torch.nn.functional.scaled_dot_product_attention",
            "torch.nn.functional.gelu",
            "torch.nn.functional.layer_norm",
            "torch.nn.functional.cross_entropy",
        ],
        [str(tmp_path)],
        replace_code=False,
    )
    g.install()
    Forbidden.hits.clear()
    return g


X = torch.randn(2, 3, 4, 5, requires_grad=True)


@pytest.mark.parametrize(
    "call",
    [
        lambda x: torch.softmax(x, -1),
        lambda x: F.softmax(x, -1),
        lambda x: x.softmax(-1),
        lambda x: getattr(torch, "soft" + "max")(x, -1),
        lambda x: importlib.import_module("torch.nn.functional").softmax(x, dim=-1),
        lambda x: torch.special.softmax(x, -1),
        lambda x: torch._C._VariableFunctions.softmax(x, -1),
        lambda x: torch.ops.aten._softmax(x, -1, False),
        lambda x: torch.ops.aten.softmax.int(x, -1),
        lambda x: F.scaled_dot_product_attention(x, x, x),
        lambda x: torch.ops.aten._scaled_dot_product_attention_math(x, x, x),
        lambda x: torch.ops.aten._scaled_dot_product_flash_attention_for_cpu(x, x, x),
        lambda x: torch._C._nn.gelu(x),
        lambda x: torch.nn.GELU()(x),
        lambda x: torch.ops.aten.native_layer_norm(x, [5], None, None, 1e-5),
        lambda x: torch.nn.LayerNorm(5)(x),
        lambda x: torch.ops.aten.nll_loss_forward(
            x.reshape(-1, 5).log(), torch.zeros(24, dtype=torch.long), None, 1, -100
        ),
    ],
    ids=[
        "torch",
        "F",
        "method",
        "getattr",
        "import_module",
        "special",
        "VariableFunctions",
        "aten._softmax",
        "aten.softmax.int",
        "sdpa",
        "aten.sdpa_math",
        "aten.sdpa_flash_cpu",
        "C._nn.gelu",
        "nn.GELU",
        "aten.native_layer_norm",
        "nn.LayerNorm",
        "aten.nll_loss_forward",
    ],
)
def test_guard_catches_every_alias(guard, call):
    with pytest.raises(Forbidden), guard.on():
        call(X)
    assert guard.violations


def test_guard_is_off_outside_on_and_allowed_ops_pass(guard):
    x = torch.randn(2, 3)
    assert torch.allclose(torch.softmax(x, -1), x.softmax(-1))  # off: the real ops run
    with guard.on():
        e = (x - x.amax(-1, keepdim=True)).exp()
        (e / e.sum(-1, keepdim=True)).sum()
        torch.nn.functional.log_softmax(x, -1)  # not forbidden here
    assert not guard.violations


def test_nothing_exposes_an_original(guard):
    for fn in (torch.softmax, F.softmax, torch.Tensor.softmax):
        assert not hasattr(fn, "__wrapped_original__") and not hasattr(fn, "__wrapped__")
    assert not any("original" in name for name in vars(guard))


def test_guard_names_a_read_of_the_references_and_refuses_processes(guard, tmp_path):
    secret = tmp_path / "reference.py"
    secret.write_text("x = 1")
    with pytest.raises(Forbidden, match="reading the grader"), guard.on():
        open(secret).read()
    with pytest.raises(Forbidden, match="starting a process"), guard.on():
        subprocess.run(["true"])
    assert open(secret).read() == "x = 1"  # the grader itself may


def test_popping_the_modes_is_caught(guard):
    from torch.overrides import _pop_mode

    with pytest.raises(Forbidden, match="popping the grader's guard"), guard.on():
        _pop_mode()


@pytest.mark.parametrize(
    "name, aten",
    [
        ("softmax", "_softmax"),
        ("log_softmax", "_log_softmax"),
        ("scaled_dot_product_attention", "_scaled_dot_product_flash_attention_for_cpu"),
        ("layer_norm", "native_layer_norm"),
        ("cross_entropy", "nll_loss_forward"),
    ],
)
def test_each_forbidden_api_maps_to_the_aten_ops_it_dispatches_to(name, aten):
    exact, prefix = op_names([f"torch.nn.functional.{name}"])
    assert aten in exact or any(aten.startswith(p) for p in prefix), ALIASES[name]


CODE_REPLACED = """
import torch
from llmprep.grading.child.guard import Forbidden, Guard
g = Guard(["torch.nn.utils.clip_grad_norm_", "torch.nn.MultiheadAttention", "torch.amp.GradScaler"], [])
g.install()
fn = torch.nn.utils.clip_grad_norm_
p = torch.nn.Parameter(torch.ones(3)); p.grad = torch.ones(3)
for call in (lambda: fn([p], 1.0), lambda: torch.nn.MultiheadAttention(4, 2), lambda: torch.amp.GradScaler()):
    try:
        call()
        print("ALLOWED")
    except Forbidden as err:
        print("FORBIDDEN", err)
cells = [c.cell_contents for c in (fn.__closure__ or ())]
print("EXPOSED" if any(callable(c) for c in cells) or hasattr(fn, "__wrapped__") else "HIDDEN")
"""


def test_pure_python_apis_lose_their_code_in_the_learners_process():
    done = subprocess.run([sys.executable, "-c", CODE_REPLACED], capture_output=True, text=True, timeout=120)
    lines = done.stdout.split("\n")
    assert lines[:4] == [
        "FORBIDDEN torch.nn.utils.clip_grad_norm_",
        "FORBIDDEN torch.nn.MultiheadAttention",
        "FORBIDDEN torch.amp.GradScaler",
        "HIDDEN",
    ], done.stdout + done.stderr

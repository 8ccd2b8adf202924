"""Checks before running: syntax errors with a caret, the entry name, forbidden names through aliases."""

import ast

import pytest

from llmprep.drills import static

FORBIDDEN = ["torch.softmax", "torch.nn.functional.softmax", "torch.Tensor.softmax", "torch.nn.MultiheadAttention"]


def test_syntax_error_has_file_line_col_and_caret():
    message = static.syntax_error("x = 1\ny = (2 +\n", "a.py")
    assert message.startswith("SyntaxError: ")
    assert "a.py:2:" in message
    lines = message.splitlines()
    assert lines[-2].strip() == "y = (2 +" and lines[-1].strip() == "^"


def test_a_valid_file_has_no_syntax_error():
    assert static.syntax_error("def f():\n    return 1\n", "a.py") is None


@pytest.mark.parametrize(
    "source, defined",
    [
        ("def softmax(x): pass", True),
        ("class softmax: pass", True),
        ("softmax = lambda x: x", True),
        ("from mylib import softmax", True),
        ("if True:\n    def softmax(x): pass", True),
        ("def soft_max(x): pass", False),
        ("def outer():\n    def softmax(x): pass", False),
    ],
)
def test_defines(source, defined):
    assert static.defines(ast.parse(source), "softmax") is defined


@pytest.mark.parametrize(
    "source, name, line",
    [
        ("import torch\ny = torch.softmax(x, -1)", "torch.softmax", 2),
        ("import torch as T\ny = T.softmax(x, -1)", "torch.softmax", 2),
        ("import torch.nn.functional as F\n\ny = F.softmax(x, -1)", "torch.nn.functional.softmax", 3),
        ("from torch.nn import functional as G\ny = G.softmax(x)", "torch.nn.functional.softmax", 2),
        ("from torch.nn.functional import softmax as s", "torch.nn.functional.softmax", 1),
        ("y = x.softmax(-1)", "torch.Tensor.softmax", 1),
        ("import torch.nn as nn\nm = nn.MultiheadAttention(4, 2)", "torch.nn.MultiheadAttention", 2),
        ("from torch.nn.modules.activation import MultiheadAttention", "torch.nn.MultiheadAttention", 1),
    ],
    ids=["direct", "module-alias", "F", "from-import-alias", "function-alias", "method", "class", "deep-path"],
)
def test_scan_finds_forbidden_uses(source, name, line):
    uses, imports = static.scan(ast.parse(source), source, FORBIDDEN)
    assert (uses[0].name, uses[0].line) == (name, line)
    assert not imports


def test_scan_flags_torch_internals_when_something_is_forbidden():
    source = "import torch\ny = torch._C._VariableFunctions.softmax(x, -1)\nz = torch.ops.aten._softmax(x, -1, False)"
    uses, _ = static.scan(ast.parse(source), source, FORBIDDEN)
    assert [(u.name, u.line) for u in uses] == [("torch._C (torch internals)", 2), ("torch.ops (torch internals)", 3)]
    assert static.scan(ast.parse(source), source, []) == ([], [])


def test_scan_ignores_allowed_names():
    source = "import torch\ny = torch.exp(x) / torch.exp(x).sum(-1, keepdim=True)\nsoftmax = 3"
    assert static.scan(ast.parse(source), source, FORBIDDEN) == ([], [])


@pytest.mark.parametrize(
    "source",
    [
        "from solutions.attention.reference import scaled_dot_product_attention",
        "import solutions.attention.reference as r",
        "import llmprep.grading.engine",
        "from llmprep import paths",
    ],
)
def test_scan_finds_reference_imports(source):
    _, imports = static.scan(ast.parse(source), source, [])
    assert imports and imports[0].line == 1

"""The runtime guard catches forbidden APIs under every alias, only while it is on, and undoes itself."""

import importlib

import pytest
import torch
import torch.nn.functional as F

from llmprep.grading.guard import Forbidden, Guard


@pytest.fixture
def guard(tmp_path):
    g = Guard(["torch.softmax", "torch.nn.functional.softmax", "torch.Tensor.softmax", "torch.nn.MultiheadAttention"],
              str(tmp_path))
    g.install()
    yield g
    g.uninstall()


@pytest.mark.parametrize("call", [
    lambda x: torch.softmax(x, -1),
    lambda x: F.softmax(x, -1),
    lambda x: x.softmax(-1),
    lambda x: getattr(torch, "soft" + "max")(x, -1),
    lambda x: importlib.import_module("torch.nn.functional").softmax(x, dim=-1),
    lambda x: torch.special.softmax(x, -1),
    lambda x: torch.nn.MultiheadAttention(4, 2),
], ids=["torch", "F", "method", "getattr", "import_module", "special-alias", "class"])
def test_guard_catches_aliases(guard, call):
    with pytest.raises(Forbidden), guard.on():
        call(torch.randn(2, 4))
    assert guard.violations


def test_guard_is_off_outside_on_and_undone_by_uninstall(guard, tmp_path):
    x = torch.randn(2, 3)
    assert torch.allclose(torch.softmax(x, -1), x.softmax(-1))  # off: the originals run
    guard.uninstall()
    assert torch.softmax.__name__ == "softmax" and not hasattr(torch.softmax, "__wrapped_original__")
    with guard.on():
        torch.softmax(x, -1)


def test_guard_blocks_reading_the_references(guard, tmp_path):
    secret = tmp_path / "reference.py"
    secret.write_text("x = 1")
    with pytest.raises(Forbidden), guard.on():
        open(secret).read()
    with pytest.raises(Forbidden), guard.on():
        __import__("llmprep.grading.engine")
    assert open(secret).read() == "x = 1"  # the grader itself may


def test_os_exit_becomes_an_exception_while_on(guard):
    import os

    with pytest.raises(SystemExit, match=r"os._exit\(5\)"), guard.on():
        os._exit(5)

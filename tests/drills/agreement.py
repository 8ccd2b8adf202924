"""Shared by the agreement tests: load a reference by path, dtypes and tolerances against torch."""

import importlib.util

import torch

from llmprep.paths import solutions_dir

DTYPES = [torch.float32, torch.float64]
TOL = {torch.float32: dict(rtol=1e-5, atol=1e-5), torch.float64: dict(rtol=1e-10, atol=1e-10)}


def _load(drill_id, name):
    path = solutions_dir() / drill_id / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"_agreement_{drill_id}_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def reference(drill_id):
    return _load(drill_id, "reference")


def cases_of(drill_id):
    return _load(drill_id, "cases")


def case_ctx(dtype, seed):
    """The grader's own Ctx on the CPU, for a dtype given as drill.yaml names it ("bfloat16") or as a
    torch dtype; None for a drill without tensors."""
    from llmprep.grading.child.wire import TENSOR_DTYPES
    from llmprep.grading.plan import Ctx

    if isinstance(dtype, torch.dtype):
        dtype = next(name for name, torch_dtype in TENSOR_DTYPES.items() if torch_dtype == dtype)
    return Ctx(dtype, "cpu", seed)

"""Shared by the agreement tests: load a reference by path, dtypes and tolerances against torch."""

import importlib.util

import torch

from llmprep.paths import solutions_dir

DTYPES = [torch.float32, torch.float64]
TOL = {torch.float32: dict(rtol=1e-5, atol=1e-5), torch.float64: dict(rtol=1e-10, atol=1e-10)}


def reference(drill_id):
    path = solutions_dir() / drill_id / "reference.py"
    spec = importlib.util.spec_from_file_location(f"_agreement_{drill_id}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

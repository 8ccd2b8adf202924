"""The bench child process: `python -m llmprep.bench.run JOB_JSON` loads the learner's (already
passing) file, the reference and the drill's bench.py, checks all three agree on the bench inputs,
times them and prints one JSON line of results."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import torch

from llmprep.bench.measure import measure

SPREAD_FLAG = 0.05
SUSPICIOUS_SPEEDUP = 10.0
LAUNCH_BOUND_S = {"cpu": 50e-6, "cuda": 20e-6}


def _load(path: Path, name: str):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _first_tensor(value):
    return value[0] if isinstance(value, (tuple, list)) else value


def main() -> None:
    job = json.loads(sys.argv[1])
    device = torch.device(job["device"])
    dtype = getattr(torch, job["dtype"])
    bench = _load(Path(job["drill_dir"]) / "bench.py", "llmprep_bench_spec")
    reference = _load(Path(job["drill_dir"]) / "reference.py", "llmprep_bench_reference")
    learner = _load(Path(job["file"]), "llmprep_bench_learner")
    entry = job["entry"]
    size = bench.SIZES[job["size"]]
    gen = torch.Generator().manual_seed(0)

    def make():
        return bench.make_inputs(size, device, dtype, gen)

    impls = {"yours": getattr(learner, entry), "reference": getattr(reference, entry), "pytorch": bench.fused}
    if job["kind"] == "module":  # build both modules once, with the reference's weights
        impls["yours"], impls["reference"] = bench.modules(size, device, dtype, impls["yours"], impls["reference"])
    if job["compile"]:
        impls["reference (torch.compile)"] = torch.compile(impls["reference"])
    args, kwargs = make()
    with torch.no_grad():
        want = _first_tensor(impls["pytorch"](*args, **kwargs))
        for name, fn in impls.items():  # correctness first, at the bench size
            got = _first_tensor(fn(*args, **kwargs))
            if not torch.allclose(got.float(), want.float(), rtol=2e-2, atol=2e-2):
                print(json.dumps({"error": f"{name} disagrees with PyTorch at size {job['size']}"}))
                return
    timings = measure(impls, make, device, rounds=job["rounds"])
    fused = next(t for t in timings if t.name == "pytorch").median_s
    rows = []
    for t in timings:
        flags = []
        if t.spread > SPREAD_FLAG:
            flags.append(f"spread {t.spread:.0%} > 5%: rerun on a quiet machine")
        if t.median_s < LAUNCH_BOUND_S[device.type]:
            flags.append("launch-bound: the size is too small to measure the kernel")
        if t.name == "yours" and fused / t.median_s > SUSPICIOUS_SPEEDUP:
            flags.append("more than 10x faster than PyTorch's kernel: check the result really is computed")
        row = {
            "name": t.name,
            "median_s": t.median_s,
            "spread": t.spread,
            "vs_pytorch": t.median_s / fused,
            "peak_bytes": t.peak_bytes,
            "flags": flags,
        }
        if hasattr(bench, "flops"):
            row["tflops"] = bench.flops(size) / t.median_s / 1e12
        if hasattr(bench, "bytes_moved"):
            row["gbps"] = bench.bytes_moved(size, dtype) / t.median_s / 1e9
        rows.append(row)
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu"
    print(
        json.dumps(
            {
                "size": job["size"],
                "params": size,
                "device": str(device),
                "device_name": name,
                "dtype": job["dtype"],
                "rows": rows,
            }
        )
    )


if __name__ == "__main__":
    main()

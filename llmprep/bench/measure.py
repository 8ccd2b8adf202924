"""Timing one call fairly: warm-up, then the implementations alternate round by round on fresh
inputs, so that drift and caches favour none; median and spread per implementation. On CUDA:
events around each call, synchronised, L2 flushed between calls, peak memory per implementation."""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass
from typing import Callable

import torch

L2_FLUSH_BYTES = 256 * 2**20  # larger than any current GPU's L2


@dataclass
class Timing:
    name: str
    median_s: float
    spread: float  # (p90 - p10) / median
    peak_bytes: int | None = None


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * (len(ordered) - 1) + 0.5))]


def measure(
    impls: dict[str, Callable],
    make_inputs: Callable[[], tuple],
    device: torch.device,
    *,
    warmup: int = 3,
    rounds: int = 15,
) -> list[Timing]:
    cuda = device.type == "cuda"
    flush = torch.empty(L2_FLUSH_BYTES, dtype=torch.int8, device=device) if cuda else None
    times: dict[str, list[float]] = {name: [] for name in impls}
    peaks: dict[str, int] = {}
    with torch.no_grad():
        for fn in impls.values():  # warm-up: first calls compile, allocate, fill caches
            for _ in range(warmup):
                args, kwargs = make_inputs()
                fn(*args, **kwargs)
        for _ in range(rounds):
            for name, fn in impls.items():
                args, kwargs = make_inputs()  # fresh inputs: no result can be reused
                if cuda:
                    flush.zero_()
                    torch.cuda.synchronize(device)
                    torch.cuda.reset_peak_memory_stats(device)
                    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
                    start.record()
                    fn(*args, **kwargs)
                    end.record()
                    torch.cuda.synchronize(device)
                    times[name].append(start.elapsed_time(end) / 1000)
                    peaks[name] = max(peaks.get(name, 0), torch.cuda.max_memory_allocated(device))
                else:
                    started = time.perf_counter()
                    fn(*args, **kwargs)
                    times[name].append(time.perf_counter() - started)
    out = []
    for name, values in times.items():
        median = statistics.median(values)
        spread = (_percentile(values, 0.9) - _percentile(values, 0.1)) / median if median else 0.0
        out.append(Timing(name, median, spread, peaks.get(name)))
    return out

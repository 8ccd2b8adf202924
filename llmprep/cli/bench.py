"""`llmprep bench FILE`: your passing drill file vs the reference vs PyTorch's own kernel."""

from pathlib import Path
from typing import Annotated, Optional

import typer

from llmprep.errors import LlmprepError, UsageError

# Dense peaks of the devices we know, for "share of peak" (TFLOP/s in the bench dtype, GB/s of memory).
PEAKS = {"H200": (989e12, 4.8e12), "H100": (989e12, 3.35e12), "A100": (312e12, 2.0e12), "L40S": (362e12, 0.86e12)}


def command(
    file: Annotated[Path, typer.Argument(help="Your drill file (it must pass `llmprep grade` first).")],
    drill: Annotated[
        Optional[str], typer.Option("--drill", help="The drill id (default: the file's header or name).")
    ] = None,
    device: Annotated[str, typer.Option("--device", help="cpu or cuda.")] = "cpu",
    size: Annotated[str, typer.Option("--size", help="small, medium or large.")] = "medium",
    dtype: Annotated[str, typer.Option("--dtype", help="float32, bfloat16 or float16.")] = "float32",
    rounds: Annotated[int, typer.Option("--rounds", min=3, help="Timed calls per implementation.")] = 15,
    compile_: Annotated[
        bool, typer.Option("--compile", help="Also time torch.compile of the reference (slow to start).")
    ] = False,
) -> None:
    """Time your code against the reference and PyTorch's built-in or fused equivalent."""
    import json
    import subprocess
    import sys

    from rich.console import Console
    from rich.table import Table

    from llmprep.drills.registry import load_drill
    from llmprep.grading import grade_file

    if device not in ("cpu", "cuda") or dtype not in ("float32", "bfloat16", "float16"):
        raise UsageError(
            f"unknown --device {device} or --dtype {dtype}",
            fix="use --device cpu|cuda, --dtype float32|bfloat16|float16",
        )
    result = grade_file(file, drill, device="cpu")
    if result.status != "pass":
        raise LlmprepError(
            f"{file} does not pass yet ({result.status}): bench measures correct code only",
            fix=f"make `llmprep grade {file}` pass first",
        )
    spec = load_drill(result.drill)
    if not (spec.dir / "bench.py").is_file():
        from llmprep import paths

        have = sorted(p.parent.name for p in paths.solutions_dir().glob("*/bench.py"))
        raise UsageError(f"drill {spec.id} has no benchmark", fix="bench one of: " + ", ".join(have))
    job = {
        "file": str(file.resolve()),
        "drill_dir": str(spec.dir),
        "entry": spec.entry,
        "kind": spec.kind,
        "device": device,
        "size": size,
        "dtype": dtype,
        "rounds": rounds,
        "compile": compile_,
    }
    done = subprocess.run(
        [sys.executable, "-m", "llmprep.bench.run", json.dumps(job)], capture_output=True, text=True, timeout=1800
    )
    lines = done.stdout.strip().splitlines()
    try:
        report = json.loads(lines[-1])
    except (IndexError, ValueError):
        raise LlmprepError(
            f"the benchmark stopped: {(done.stderr.strip().splitlines() or ['no output'])[-1]}",
            fix="try a smaller --size, or --verbose",
        ) from None
    if "error" in report:
        raise LlmprepError(report["error"], fix="bench times correct code only")
    peak = next((v for k, v in PEAKS.items() if k in report.get("device_name", "")), None)
    table = Table(
        title=f"{spec.id} · {report['device']} · {dtype} · size {size} {tuple(report['params'])}", title_justify="left"
    )
    for name in ("implementation", "median", "spread", "× PyTorch", "GB/s", "TFLOP/s", "peak MiB"):
        table.add_column(name, justify="left" if name == "implementation" else "right")
    flags = []
    for row in report["rows"]:
        gbps, tflops = row.get("gbps"), row.get("tflops")
        share = f" ({tflops * 1e12 / peak[0]:.0%})" if peak and tflops else ""
        table.add_row(
            row["name"],
            f"{row['median_s'] * 1e3:.3f} ms",
            f"{row['spread']:.1%}",
            f"{row['vs_pytorch']:.2f}",
            f"{gbps:.1f}" if gbps else "",
            f"{tflops:.2f}{share}" if tflops else "",
            f"{row['peak_bytes'] / 2**20:.0f}" if row["peak_bytes"] else "",
        )
        flags += [f"{row['name']}: {flag}" for flag in row["flags"]]
    console = Console(highlight=False)
    console.print(table)
    for flag in flags:
        console.print(f"[yellow]! {flag}[/]")

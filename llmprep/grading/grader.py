"""One grading run in the parent: resolve the drill, check the file statically, run the worker,
and fold its messages into a GradeResult."""

from __future__ import annotations

import ast
import random
import time
from pathlib import Path

from llmprep import paths
from llmprep.drills.registry import Drill, load_drill
from llmprep.drills.stub import header_id
from llmprep.errors import UsageError
from llmprep.grading import static
from llmprep.grading.result import CaseResult, GradeResult
from llmprep.grading.runner import TOTAL_TIMEOUT, Worker

DEVICES = ("auto", "cpu", "cuda")


def read_source(path: Path) -> str:
    if not path.is_file():
        raise UsageError(f"no file {path}", fix=f"create it with `llmprep start {path.stem}`, or check the path")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8 text", fix="save it as UTF-8") from None


def resolve_drill(path: Path, source: str, drill_id: str | None) -> Drill:
    """--drill, else the `# llmprep: ID` header, else the file's stem."""
    return load_drill(drill_id or header_id(source) or path.stem)


def precheck(drill: Drill, path: Path, source: str) -> GradeResult | None:
    """Problems found without running anything: a result to return, or None to go on."""
    shown = path.name
    base = dict(drill=drill.id, file=str(path))
    problem = static.syntax_error(source, shown)
    if problem:
        return GradeResult(status="error", message=problem, **base)
    tree = ast.parse(source)
    uses, imports = static.scan(tree, source, list(drill.forbidden))
    if imports:
        lines = "\n".join(f.describe(shown, "imports") for f in imports)
        return GradeResult(status="fail", message=f"importing the references or the grader is not allowed:\n{lines}",
                           **base)
    if uses:
        lines = "\n".join(f.describe(shown, "uses") for f in uses)
        return GradeResult(status="fail", message=f"forbidden API in this drill (write it from tensor operations):\n{lines}",
                           **base)
    if not static.defines(tree, drill.entry):
        what = "CLASS" if drill.kind == "module" else "FUNCTION"
        return GradeResult(status="error", message=f"MISSING {what} {drill.entry} in {shown}; expected: {drill.signature}",
                           **base)
    return None


def grade(path: Path, drill_id: str | None = None, *, device: str = "auto", seed: int | None = None,
          worker: Worker | None = None, total_timeout: float = TOTAL_TIMEOUT,
          case_timeout: float | None = None) -> GradeResult:
    """Grade `path`. A `worker` may be started early by the caller (its torch import overlaps ours)."""
    started = time.monotonic()
    try:
        if device not in DEVICES:
            raise UsageError(f"unknown device {device!r}", fix="use --device auto, cpu or cuda")
        path = path.expanduser()
        source = read_source(path)
        drill = resolve_drill(path, source, drill_id)
        seed = random.randrange(1, 100_000) if seed is None else seed
        early = precheck(drill, path, source)
        if early:
            early.seed = seed
            early.device = device
            early.duration_s = round(time.monotonic() - started, 3)
            return early
        worker = worker or Worker(device, cwd=path.resolve().parent)
        job = drill.job()
        if case_timeout:
            job["timeout_s"] = case_timeout
        worker.send({"mode": "grade", "drill": job, "file": str(path.resolve()), "device": device, "seed": seed,
                     "protected": str(paths.solutions_dir())})
        result = collect(worker, drill, path, seed, device, total_timeout)
    finally:
        if worker is not None:
            worker.close()
    result.duration_s = round(time.monotonic() - started, 3)
    return result


def collect(worker: Worker, drill: Drill, path: Path, seed: int, device: str, total_timeout: float) -> GradeResult:
    result = GradeResult(drill=drill.id, file=str(path), status="error", seed=seed, device=device)
    done = False
    setup = None
    for message in worker.messages(total_timeout):
        kind = message.pop("t")
        if kind == "phase" and "device" in message:
            result.device = message["device"]
        elif kind == "case":
            result.cases.append(CaseResult(**message))
        elif kind == "setup":
            setup = message
        elif kind == "diagnosis":
            result.diagnosis = message
        elif kind == "done":
            done = True
            result.device = message.get("device", result.device)
        elif kind == "stopped":
            phase = message["phase"]
            if phase["what"] == "case":
                result.cases.append(CaseResult(name=phase["name"].split(" [")[0], status="error", message=message["cause"],
                                               dtype=phase["name"].partition(" [")[2].rstrip("]") or None, seed=seed))
            result.message = message["cause"]
    result.stdout = worker.out.text()
    result.stderr = worker.err.text()
    if setup:
        result.status, result.message = setup["status"], setup["message"]
    elif not done:
        result.status = "error"
        if not result.message:
            result.message = "the grading process stopped without finishing"
    elif any(c.status == "error" for c in result.cases):
        result.status = "error"
    elif any(c.status == "fail" for c in result.cases) or not result.cases:
        result.status = "fail"
    else:
        result.status = "pass"
    if result.diagnosis:
        for case in result.cases:
            if case.status == "fail":
                case.diagnosis = result.diagnosis
                break
    return result

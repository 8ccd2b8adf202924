"""One grade, on the trusted side: check the file statically, start the learner's process, compute
the reference here, send the learner only inputs, judge every reply here, diagnose, and return a
GradeResult. The learner's process never holds the reference, the expected values or the verdict.
"""

from __future__ import annotations

import ast
import random
import threading
import time
from pathlib import Path

from llmprep.drills import static
from llmprep.drills.manifest import ReferenceChanged
from llmprep.drills.registry import Drill, load_drill
from llmprep.drills.stub import header_id
from llmprep.errors import UsageError
from llmprep.grading.result import CaseResult, GradeResult
from llmprep.grading.runner import STARTUP_TIMEOUT, TOTAL_TIMEOUT, LearnerProcess, Stopped, protected_paths

DEVICES = ("auto", "cpu", "cuda")
FIRST_CALL_SLACK = 20.0  # the first call also pays for torch's lazy start (autograd threads, kernels)
SEEDS_PER_GRADE = 2  # a standard grade runs every case on this many base seeds; --seed replays one


def read_learner_file(path: Path) -> str:
    if not path.is_file():
        raise UsageError(f"no file {path}", fix=f"create it with `llmprep start {path.stem}`, or check the path")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{path} is not UTF-8 text", fix="save it as UTF-8") from None


def resolve_drill(path: Path, source: str, drill_id: str | None) -> Drill:
    """--drill, else the `# llmprep: ID` header, else the file's stem."""
    return load_drill(drill_id or header_id(source) or path.stem)


def precheck(drill: Drill, path: Path, source: str) -> tuple[str, str] | None:
    """(status, message) for problems found without running anything, or None to go on."""
    shown = path.name
    problem = static.syntax_error(source, shown)
    if problem:
        return "error", problem
    tree = ast.parse(source)
    uses, imports = static.scan(tree, source, list(drill.forbidden))
    if imports:
        lines = "\n".join(f.describe(shown, "imports") for f in imports)
        return "fail", f"importing the references or the grader is not allowed:\n{lines}"
    if uses:
        lines = "\n".join(f.describe(shown, "uses") for f in uses)
        return "fail", f"forbidden API in this drill (write it from tensor operations):\n{lines}"
    if not static.defines(tree, drill.entry):
        what = "CLASS" if drill.kind == "module" else "FUNCTION"
        return "error", f"MISSING {what} {drill.entry} in {shown}; expected: {drill.signature}"
    return None


def standard_seeds() -> list[int]:
    base = random.randrange(1, 100_000)
    return [base + i for i in range(SEEDS_PER_GRADE)]


def grade(
    path: Path,
    drill_id: str | None = None,
    *,
    device: str = "auto",
    seed: int | None = None,
    learner: LearnerProcess | None = None,
    total_timeout: float = TOTAL_TIMEOUT,
    case_timeout: float | None = None,
) -> GradeResult:
    """Grade `path`. A `learner` process may be started early by the caller (its torch import overlaps ours)."""
    started = time.monotonic()
    result = None
    try:
        if device not in DEVICES:
            raise UsageError(f"unknown device {device!r}", fix="use --device auto, cpu or cuda")
        path = path.expanduser()
        source = read_learner_file(path)
        drill = resolve_drill(path, source, drill_id)
        seeds = [seed] if seed is not None else standard_seeds()
        result = GradeResult(
            drill=drill.id,
            file=str(path),
            status="error",
            device=device,
            seed=seeds[0],
            seeds=seeds,
            replay=seed is not None,
        )
        early = precheck(drill, path, source)
        if early:
            result.status, result.message = early
        else:
            learner = learner or LearnerProcess(path.resolve(), device)
            _run(result, drill, path, learner, seeds, device, total_timeout, case_timeout or drill.timeout_s)
    finally:
        if learner is not None:
            learner.close()
            if result is not None:
                result.stdout, result.stderr = learner.out.text(), learner.err.text()
    result.duration_s = round(time.monotonic() - started, 3)
    return result


def _run(
    result: GradeResult,
    drill: Drill,
    path: Path,
    learner: LearnerProcess,
    seeds: list[int],
    device: str,
    total_timeout: float,
    case_timeout: float,
) -> None:
    import torch

    from llmprep.grading.child.control import Load
    from llmprep.grading.child.frames import InvalidMessage
    from llmprep.grading.child.wire import Loaded, decode_reply, encode_request
    from llmprep.grading.diagnose import diagnose
    from llmprep.grading.evaluate import explain, forbidden_message, judge
    from llmprep.grading.plan import DrillRun

    torch.set_num_threads(1)  # the learner's process computes at the same time; the cases are small
    if device == "cuda" and not torch.cuda.is_available():
        result.message = "--device cuda: no CUDA device is available (use --device cpu)"
        return
    device = "cuda" if device in ("auto", "cuda") and torch.cuda.is_available() else "cpu"
    result.device = device
    learner.send(
        Load(
            file=str(path.resolve()),
            entry=drill.entry,
            kind=drill.kind,
            forbidden=list(drill.forbidden),
            protected=protected_paths(),
            device=device,
        ).to_json()
    )
    try:
        run = DrillRun(drill, device, seeds)
        for planned in run.plan:
            planned.expected  # noqa: B018 - the reference runs here, while the learner's process loads
    except ReferenceChanged as err:
        result.message = str(err)
        return
    except Exception as exc:  # noqa: BLE001 - a broken drill, not the learner's fault: say so plainly
        result.message = (
            f"internal error: drill {drill.id} cannot build its cases ({type(exc).__name__}: {exc}); "
            "run `llmprep dev check`"
        )
        return
    total_deadline = time.monotonic() + total_timeout
    devices = ("cpu", device, f"{device}:0") if device != "cpu" else ("cpu",)
    current = sender = None
    try:
        learner.phase = "the startup phase"
        data, _ = learner.receive(min(time.monotonic() + STARTUP_TIMEOUT, total_deadline), STARTUP_TIMEOUT)
        if data != {"t": "ready"}:
            raise InvalidMessage("a first message that is not `ready`")
        learner.phase = "the load phase (your file's top level)"
        data, _ = learner.receive(min(time.monotonic() + case_timeout, total_deadline), case_timeout)
        if data.pop("t", None) != "loaded":
            raise InvalidMessage("a second message that is not `loaded`")
        loaded = Loaded.from_json(data)
        result.sandbox = loaded.sandbox[:300]
        if not loaded.ok:
            _not_loaded(result, loaded, drill, path, device, explain, forbidden_message)
            return
        failing, passed = [], []
        sender = _Sender(learner, run.plan, encode_request)
        sender.start()
        for planned in run.plan:
            current = planned
            learner.phase = f"case {planned.label}"
            limit = case_timeout + (FIRST_CALL_SLACK if planned.index == 0 else 0.0)  # torch warms up on the first
            data, blob = learner.receive(min(time.monotonic() + limit, total_deadline), limit)
            reply, unsupported = decode_reply(data, blob, planned.index, devices)
            case, outcome = judge(planned, reply, str(path.resolve()), unsupported)
            result.cases.append(case)
            if case.status == "fail" and not reply.forbidden:
                failing.append((planned.index, outcome))
            elif case.status == "pass":
                passed.append(planned.index)
            current = None
        sender.join()
    except InvalidMessage as err:
        _stopped(
            result,
            current,
            f"the learner's process sent an invalid message ({err}); the grader's channel is not for your code",
            "fail",
        )
        return
    except Stopped as stop:
        cause = sender.error if sender is not None and sender.error else stop.cause
        _stopped(result, current, cause, "fail" if stop.kind == "invalid" else "error")
        return
    if any(c.status == "error" for c in result.cases):
        result.status = "error"
    elif any(c.status == "fail" for c in result.cases) or not result.cases:
        result.status = "fail"
    else:
        result.status = "pass"
    if failing:
        result.diagnosis = diagnose(run, failing, passed)
        first = next(c for c in result.cases if c.status == "fail")
        first.diagnosis = result.diagnosis


class _Sender(threading.Thread):
    """Sends every request: the learner's process computes the next call while this one is judged."""

    def __init__(self, learner: LearnerProcess, plan: list, encode):
        super().__init__(daemon=True)
        self.learner, self.plan, self.encode = learner, plan, encode
        self.error = ""

    def run(self) -> None:
        for planned in self.plan:
            if self.learner.closed or self.learner.proc.poll() is not None:
                return
            try:
                frame = self.encode(planned.learner_request())
            except Exception as exc:  # noqa: BLE001 - a drill's case the wire cannot carry: the drill's bug
                self.error = (
                    f"internal error: case {planned.label} cannot be sent to the learner's process "
                    f"({type(exc).__name__}: {exc}); run `llmprep dev check`"
                )
                self.learner.kill()
                return
            self.learner.send(*frame)


def _not_loaded(result, loaded, drill, path, device, explain, forbidden_message) -> None:
    if loaded.forbidden:
        result.status, result.message = "fail", f"your file {forbidden_message(loaded.forbidden)} while loading"
    elif loaded.error:
        result.message = f"your file failed while loading: {explain(loaded.error, str(path.resolve()), device)}"
    else:
        wanted = "CLASS" if drill.kind == "module" else "FUNCTION"
        result.message = f"MISSING {wanted} {drill.entry} in {path.name}; expected: {drill.signature}"


def _stopped(result: GradeResult, planned, cause: str, status: str) -> None:
    result.status = status
    result.message = cause
    if planned is not None:
        result.cases.append(
            CaseResult(
                name=planned.case.name,
                status=status,
                kind=planned.case.kind,
                dtype=planned.ctx.dtype_name,
                message=cause,
                seed=planned.seed,
                call=planned.run.call_text(planned.case),
                note=planned.case.note,
            )
        )

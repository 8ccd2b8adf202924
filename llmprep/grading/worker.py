"""The grading worker: `python -m llmprep.grading.worker FD`, started by runner.py.

It imports torch while the parent parses the command line, reads one job (JSON) from stdin,
computes the reference outputs first, then loads the learner's file with the guard installed
and runs the cases. Every step is announced on pipe FD as a JSON line so the parent can time
each case and knows which one a crash interrupted; `done` is the last line of a finished run.
"""

from __future__ import annotations

import faulthandler
import json
import os
import sys
import tempfile
from pathlib import Path


class Channel:
    def __init__(self, fd: int):
        self.fd = fd

    def send(self, **message) -> None:
        data = (json.dumps(message, default=str) + "\n").encode()
        while data:
            data = data[os.write(self.fd, data):]


def finish(chan: Channel, **details) -> None:
    """Release stdout and stderr (the parent then reads them to the end), then say `done`."""
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 1)
    os.dup2(devnull, 2)
    chan.send(t="done", **details)


def grade(job: dict, chan: Channel) -> None:
    import torch

    from llmprep.grading.engine import Session, explain, load_module
    from llmprep.grading.guard import Guard

    device = job["device"]
    if device == "auto":
        device = "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        chan.send(t="setup", status="error", message="--device cuda: no CUDA device is available (use --device cpu)")
        return
    drill = job["drill"]
    chan.send(t="phase", what="reference", device=device)
    try:
        session = Session(drill, device, job["seed"])
    except Exception as exc:  # a broken drill, not the learner's fault: say so plainly
        chan.send(t="setup", status="error", message=f"internal error: drill {drill['id']} cannot build its cases "
                                                     f"({type(exc).__name__}: {exc}); run `llmprep dev check`")
        return
    guard = Guard(drill["forbidden"], job["protected"])
    guard.install()
    path = Path(job["file"])
    sys.path.append(str(path.parent))  # last: their other drill files import, but never shadow torch
    chan.send(t="phase", what="load", timeout=drill["timeout_s"])
    try:
        with guard.on():
            module = load_module(path, "learner_" + drill["id"])
    except BaseException as exc:  # anything their file does at import time is their result
        if guard.violations:
            chan.send(t="setup", status="fail", message=f"your file calls a forbidden API while loading: "
                                                        f"{guard.violations[0]}")
        else:
            chan.send(t="setup", status="error",
                      message=f"your file failed while loading: {explain(exc, str(path), torch.device(device))}")
        return
    entry = getattr(module, drill["entry"], None)
    wanted = "class" if drill["kind"] == "module" else "function"
    if entry is None or (drill["kind"] == "module" and not (isinstance(entry, type) and issubclass(entry, torch.nn.Module))) \
            or not callable(entry):
        chan.send(t="setup", status="error",
                  message=f"MISSING {wanted.upper()} {drill['entry']} in {path.name}; expected: {drill['signature']}")
        return
    failing, passed = [], []
    for index, (ctx, case) in enumerate(session.plan):
        chan.send(t="phase", what="case", name=f"{case.name} [{ctx.dtype_name}]", timeout=drill["timeout_s"])
        guard.violations.clear()
        result, outcome = session.grade_case(index, entry, guard.on, str(path))
        if guard.violations:
            what = guard.violations[0]
            advice = " (write it yourself from tensor operations)" if what.startswith("torch.") else ""
            result.update(status="fail", message=f"calls a forbidden API: {what}{advice}")
        elif result["status"] == "fail":
            failing.append((index, outcome))
        elif result["status"] == "pass":
            passed.append(index)
        chan.send(t="case", **result)
    guard.uninstall()
    if failing:
        chan.send(t="phase", what="diagnosis", timeout=drill["timeout_s"] * 3)
        diagnosis = session.diagnose(failing, passed)
        if diagnosis:
            chan.send(t="diagnosis", **diagnosis)
    finish(chan, device=device)


def selfcheck(job: dict, chan: Channel) -> None:
    """For `dev check`: per drill, the reference passes, the stub fails "not implemented", each mistake is named."""
    from llmprep.drills.stub import make_stub
    from llmprep.grading.api import KINDS
    from llmprep.grading.engine import Session, check_examples, load_module
    from llmprep.grading.guard import Guard

    for drill in job["drills"]:
        problems: list[str] = []
        chan.send(t="phase", what="selfcheck", name=drill["id"], timeout=job["timeout"])
        try:
            session = Session(drill, "cpu", job["seed"])
            rel = f"solutions/{drill['id']}/reference.py"
            if ">>>" not in (session.reference.__doc__ or ""):
                problems.append(f"{rel}: the docstring has no `>>>` worked example (the stub shows it, dev check runs it)")
            problems += check_examples(session.reference, rel)
            guard = Guard(drill["forbidden"], job["protected"])
            guard.install()
            reference = Path(drill["dir"]) / "reference.py"
            as_learner = load_module(reference, f"_check_{drill['id']}")
            entry = getattr(as_learner, drill["entry"])
            for index in range(len(session.plan)):
                guard.violations.clear()
                result, _ = session.grade_case(index, entry, guard.on, str(reference))
                if guard.violations:
                    problems.append(f"the reference calls a forbidden API: {guard.violations[0]}")
                if result["status"] != "pass":
                    problems.append(f"the reference fails case {result['name']} [{result['dtype']}]: {result['message']}")
                    break
            with tempfile.TemporaryDirectory() as tmp:
                stub_path = Path(tmp) / f"{drill['id']}.py"
                stub_path.write_text(make_stub(drill["id"], reference.read_text(encoding="utf-8")), encoding="utf-8")
                stub_entry = getattr(load_module(stub_path, f"_stub_{drill['id']}"), drill["entry"])
                for index in range(len(session.plan)):
                    result, _ = session.grade_case(index, stub_entry, guard.on, str(stub_path))
                    if result["status"] == "pass" or not result["message"].startswith("not implemented"):
                        problems.append(f"the stub does not fail as 'not implemented' on {result['name']}: "
                                        f"{result.get('message') or 'it passes'}")
                        break
            guard.uninstall()
            mistakes = session.mistakes()
            if len(mistakes) < 2:
                problems.append(f"{len(mistakes)} known mistake(s); give at least 2 in cases.py mistakes()")
            keys = [m.key for m in mistakes]
            if len(set(keys)) != len(keys):
                problems.append("two mistakes share a key")
            named = {}
            for mistake in mistakes:
                failing = []
                for index in range(len(session.plan)):
                    result, outcome = session.grade_mistake(mistake, index)
                    if result["status"] == "fail":
                        failing.append((index, outcome))
                if not failing:
                    problems.append(f"mistake {mistake.key!r} passes every case (add a case that catches it)")
                    continue
                diagnosis = session.diagnose(failing)
                named[mistake.key] = diagnosis["key"] if diagnosis else None
                if named[mistake.key] != mistake.key:
                    problems.append(f"mistake {mistake.key!r} is rejected but diagnosed as "
                                    f"{named[mistake.key]!r}")
            kinds = {case.kind for _, case in session.plan}
            if kinds - set(KINDS):
                problems.append(f"unknown case kind(s) {sorted(kinds - set(KINDS))}; use one of {', '.join(KINDS)}")
            if "example" not in kinds:
                problems.append("no case has kind='example' (the one the docstring shows)")
            names = [(ctx.dtype_name, case.name) for ctx, case in session.plan]
            if len(set(names)) != len(names):
                problems.append("two cases share a name")
            chan.send(t="drill", id=drill["id"], problems=problems, cases=len(session.plan), mistakes=named)
        except Exception as exc:  # a broken drill is a finding for its author, not a crash of the check
            import traceback

            chan.send(t="drill", id=drill["id"], problems=[f"{type(exc).__name__}: {exc}",
                                                           traceback.format_exc(limit=-3)], cases=0, mistakes={})
    finish(chan)


def limit_resources() -> None:
    """No core dumps, and the address-space cap the parent chose (before torch maps its libraries)."""
    import resource

    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    limit = int(os.environ.pop("LLMPREP_WORKER_MEMORY", "0"))
    if limit:
        try:
            resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        except (ValueError, OSError):  # macOS refuses RLIMIT_AS; the timeouts still hold
            pass


def main() -> None:
    limit_resources()
    chan = Channel(int(sys.argv[1]))
    faulthandler.enable()
    import torch  # the slow import runs while the parent is still busy

    torch.set_num_threads(1)

    job = json.loads(sys.stdin.readline())
    sys.stdin.close()
    sys.stdin = open(os.devnull)
    if job["mode"] == "selfcheck":
        selfcheck(job, chan)
    else:
        grade(job, chan)


if __name__ == "__main__":
    main()

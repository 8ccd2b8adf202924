"""The drills part of `llmprep dev check`: metadata, stubs and signatures statically, then a
self-check in worker processes (spread over the cores): every reference passes its own grader,
every fresh stub fails as "not implemented", every known mistake is rejected and named."""

from __future__ import annotations

import ast
import os
import time
from dataclasses import dataclass

from llmprep import paths
from llmprep.bank.loader import Problem
from llmprep.drills.registry import Drill, check_drills
from llmprep.drills.stub import make_stub
from llmprep.errors import LlmprepError
from llmprep.grading import static

SELFCHECK_TIMEOUT = 120.0


@dataclass
class DrillReport:
    drills: int
    problems: list[Problem]
    seconds: float
    cases: int = 0
    mistakes: int = 0


def _params(node: ast.AST) -> list[str]:
    args = node.args
    names = [a.arg for a in args.posonlyargs + args.args + args.kwonlyargs]
    return [n for n in names if n != "self"]


def _entry_node(tree: ast.Module, drill: Drill):
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == drill.entry and drill.kind == "function":
            return node
        if isinstance(node, ast.ClassDef) and node.name == drill.entry and drill.kind == "module":
            return next((n for n in node.body if isinstance(n, ast.FunctionDef) and n.name == "forward"), None)
    return None


def _signature_params(signature: str, drill: Drill) -> list[str] | None:
    """Parameter names in drill.yaml's signature (the forward's, for module drills)."""
    text = signature.split("forward", 1)[1] if drill.kind == "module" and "forward" in signature else signature
    if drill.kind == "module" and "forward" not in signature:
        return None
    inner = text[text.index("(") + 1:]
    depth, out = 0, ""
    for char in inner:
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                break
            depth -= 1
        out += char
    try:
        tree = ast.parse(f"def f({out}): pass")
    except SyntaxError:
        return None
    return _params(tree.body[0])


def static_problems(drill: Drill) -> list[Problem]:
    rel = f"solutions/{drill.id}/reference.py"
    yaml_rel = f"solutions/{drill.id}/drill.yaml"
    problems = []
    source = drill.reference.read_text(encoding="utf-8")
    error = static.syntax_error(source, rel)
    if error:
        return [Problem(rel, 1, error.splitlines()[0], "fix the reference's syntax", drill.id)]
    tree = ast.parse(source)
    if not ast.get_docstring(tree):
        problems.append(Problem(rel, 1, "no module docstring (it is the learner's task statement)",
                                "add the task, shapes, conventions, what is forbidden and an example", drill.id))
    node = _entry_node(tree, drill)
    if node is None:
        what = f"class {drill.entry} with a forward" if drill.kind == "module" else f"function {drill.entry}"
        problems.append(Problem(rel, 1, f"no top-level {what}", f"define it, or fix `entry`/`kind` in {yaml_rel}", drill.id))
    else:
        declared = _signature_params(drill.signature, drill)
        actual = _params(node)
        if declared is not None and declared != actual:
            problems.append(Problem(yaml_rel, 1, f"signature names ({', '.join(declared)}) differ from the reference's "
                                                 f"({', '.join(actual)})", "make `signature` match reference.py", drill.id))
    uses, imports = static.scan(tree, source, list(drill.forbidden))
    for finding in uses:
        problems.append(Problem(rel, finding.line, f"the reference uses forbidden {finding.name}",
                                "rewrite it, or drop the name from `forbidden`", drill.id))
    try:
        stub = make_stub(drill.id, source, rel)
    except LlmprepError as err:
        problems.append(Problem(rel, 1, err.message, err.fix or "", drill.id))
        return problems
    error = static.syntax_error(stub, f"{drill.id}.py (generated stub)")
    if error:
        problems.append(Problem(rel, 1, f"the generated stub does not parse: {error.splitlines()[0]}",
                                "put the markers around whole statements", drill.id))
    elif not static.defines(ast.parse(stub), drill.entry):
        problems.append(Problem(rel, 1, f"the generated stub lacks {drill.entry}", "keep the def/class line outside the "
                                                                                     "markers", drill.id))
    return problems


def selfcheck(drills: list[Drill], workers: int | None = None, seed: int = 0) -> tuple[list[Problem], int, int]:
    """Run the self-check of `drills` in up to `workers` parallel worker processes."""
    from llmprep.grading.runner import Worker

    if not drills:
        return [], 0, 0
    workers = max(1, min(workers or os.cpu_count() or 1, len(drills), 8))
    groups = [drills[i::workers] for i in range(workers)]
    running = []
    for group in groups:
        worker = Worker("cpu")
        worker.send({"mode": "selfcheck", "drills": [d.job() for d in group], "seed": seed,
                     "timeout": SELFCHECK_TIMEOUT, "protected": str(paths.solutions_dir())})
        running.append((worker, group))
    problems, cases, mistakes = [], 0, 0
    for worker, group in running:
        seen = set()
        try:
            for message in worker.messages(total_timeout=SELFCHECK_TIMEOUT * len(group)):
                if message["t"] == "drill":
                    seen.add(message["id"])
                    cases += message["cases"]
                    mistakes += len(message["mistakes"])
                    for text in message["problems"]:
                        problems.append(Problem(f"solutions/{message['id']}/cases.py", 1, text.strip(),
                                                "see solutions/README.md", message["id"]))
                elif message["t"] == "stopped":
                    missing = [d.id for d in group if d.id not in seen]
                    tail = worker.err.text().strip().splitlines()[-1:] or [""]
                    problems.append(Problem(f"solutions/{missing[0] if missing else group[0].id}/cases.py", 1,
                                            f"self-check stopped: {message['cause']} {tail[0]}",
                                            "run `llmprep grade` on the reference to see why", missing[0] if missing else None))
        finally:
            worker.close()
    return problems, cases, mistakes


def check_all(workers: int | None = None) -> DrillReport:
    started = time.monotonic()
    drills, problems = check_drills()
    good = []
    for drill in drills.values():
        found = static_problems(drill)
        problems += found
        if not found:
            good.append(drill)
    found, cases, mistakes = selfcheck(good, workers)
    problems += found
    return DrillReport(len(drills), problems, time.monotonic() - started, cases, mistakes)

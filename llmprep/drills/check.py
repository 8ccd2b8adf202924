"""The static half of the drills part of `llmprep dev check` (no torch, no grading): metadata,
signatures, stubs and forbidden names of every drill, and whether the references' checksum manifest
is current. The running half (references, stubs and mistakes run for real) is grading/selfcheck.py."""

from __future__ import annotations

import ast
from pathlib import Path

from llmprep import paths
from llmprep.drills import manifest, static
from llmprep.drills.registry import Drill
from llmprep.drills.stub import make_stub
from llmprep.errors import LlmprepError
from llmprep.yamlnode import Problem


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
    inner = text[text.index("(") + 1 :]
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
        problems.append(
            Problem(
                rel,
                1,
                "no module docstring (it is the learner's task statement)",
                "add the task, shapes, conventions, what is forbidden and an example",
                drill.id,
            )
        )
    node = _entry_node(tree, drill)
    if node is None:
        what = f"class {drill.entry} with a forward" if drill.kind == "module" else f"function {drill.entry}"
        problems.append(
            Problem(rel, 1, f"no top-level {what}", f"define it, or fix `entry`/`kind` in {yaml_rel}", drill.id)
        )
    else:
        declared = _signature_params(drill.signature, drill)
        actual = _params(node)
        if declared is not None and declared != actual:
            problems.append(
                Problem(
                    yaml_rel,
                    1,
                    f"signature names ({', '.join(declared)}) differ from the reference's ({', '.join(actual)})",
                    "make `signature` match reference.py",
                    drill.id,
                )
            )
    uses, imports = static.scan(tree, source, list(drill.forbidden))
    for finding in uses:
        problems.append(
            Problem(
                rel,
                finding.line,
                f"the reference uses forbidden {finding.name}",
                "rewrite it, or drop the name from `forbidden`",
                drill.id,
            )
        )
    try:
        stub = make_stub(drill.id, source, rel)
    except LlmprepError as err:
        problems.append(Problem(rel, 1, err.message, err.fix or "", drill.id))
        return problems
    error = static.syntax_error(stub, f"{drill.id}.py (generated stub)")
    if error:
        problems.append(
            Problem(
                rel,
                1,
                f"the generated stub does not parse: {error.splitlines()[0]}",
                "put the markers around whole statements",
                drill.id,
            )
        )
    elif not static.defines(ast.parse(stub), drill.entry):
        problems.append(
            Problem(
                rel,
                1,
                f"the generated stub lacks {drill.entry}",
                "keep the def/class line outside the markers",
                drill.id,
            )
        )
    return problems


def manifest_problems(root: Path | None = None) -> list[Problem]:
    """The checksum manifest lists exactly the current references and cases."""
    root = root or paths.solutions_dir()
    path = root / manifest.MANIFEST
    current = manifest.build(root)
    if not path.is_file() or path.read_text(encoding="utf-8") != current:
        return [
            Problem(
                f"{root.name}/{manifest.MANIFEST}",
                1,
                "the checksum manifest is not current (a reference or cases.py changed since it was written)",
                "run `llmprep dev manifest`",
            )
        ]
    return []

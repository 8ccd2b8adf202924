"""Checks before running anything (no torch): syntax, the entry name, forbidden APIs, reference imports."""

from __future__ import annotations

import ast
from dataclasses import dataclass

# Importing these would give the learner the hidden references (or the grader that holds them).
REFERENCE_PACKAGES = ("solutions", "llmprep", "_llmprep")
PRIVATE = ("torch._C.", "torch.ops.", "torch.overrides.", "torch.utils._python_dispatch.")


@dataclass(frozen=True)
class Finding:
    line: int
    name: str  # the forbidden dotted name, or the imported reference module
    text: str  # the source line

    def describe(self, file: str, what: str) -> str:
        return f"{file}:{self.line}: {what} {self.name}\n    {self.text.strip()}"


def syntax_error(source: str, file: str) -> str | None:
    """None if the file parses; else file:line:col, the line and a caret under the column."""
    try:
        compile(source, file, "exec", dont_inherit=True)
    except SyntaxError as err:
        line = err.lineno or 1
        col = err.offset or 1
        text = (err.text or "").rstrip("\n")
        stripped = text.lstrip()
        caret = " " * max(0, col - 1 - (len(text) - len(stripped))) + "^"
        return f"SyntaxError: {err.msg}\n  {file}:{line}:{col}\n    {stripped}\n    {caret}"
    except ValueError as err:  # null bytes
        return f"SyntaxError: {err} ({file})"
    return None


def defines(tree: ast.Module, name: str) -> bool:
    """Whether the module binds `name` at top level (def, class, assignment or import)."""
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.name == name:
            return True
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            if any((a.asname or a.name.split(".")[0]) == name for a in node.names):
                return True
        targets = node.targets if isinstance(node, ast.Assign) else [getattr(node, "target", None)]
        for target in targets:
            if isinstance(target, ast.Name) and target.id == name:
                return True
        if isinstance(node, (ast.If, ast.Try, ast.With)):
            inner = ast.Module(body=list(ast.iter_child_nodes(node)), type_ignores=[])
            inner.body = [n for n in inner.body if isinstance(n, ast.stmt)]
            if defines(inner, name):
                return True
    return False


class _Scanner(ast.NodeVisitor):
    """Resolves import aliases (`import torch.nn.functional as F`, `from torch.nn import functional as G`)
    and reports every use of a forbidden dotted name, and `.method` uses of forbidden Tensor methods."""

    def __init__(self, lines: list[str], forbidden: set[str]):
        self.lines = lines
        self.forbidden = forbidden
        self.methods = {name.rsplit(".", 1)[1] for name in forbidden if name.startswith("torch.Tensor.")}
        self.aliases: dict[str, str] = {}
        self.uses: list[Finding] = []
        self.imports: list[Finding] = []

    def _add(self, bucket: list[Finding], node: ast.AST, name: str) -> None:
        line = getattr(node, "lineno", 1)
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        if not any(f.line == line and f.name == name for f in bucket):
            bucket.append(Finding(line, name, text))

    def _check_import(self, node: ast.AST, module: str) -> None:
        if module.split(".")[0] in REFERENCE_PACKAGES:
            self._add(self.imports, node, module)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._check_import(node, alias.name)
            if alias.asname:
                self.aliases[alias.asname] = alias.name
            else:
                top = alias.name.split(".")[0]
                self.aliases[top] = top
            self._forbidden_name(node, alias.name)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if node.level == 0:
            self._check_import(node, module)
        for alias in node.names:
            full = f"{module}.{alias.name}" if module else alias.name
            if node.level == 0:
                self.aliases[alias.asname or alias.name] = full
                self._forbidden_name(node, full)

    def _dotted(self, node: ast.AST) -> str | None:
        if isinstance(node, ast.Name):
            return self.aliases.get(node.id)
        if isinstance(node, ast.Attribute):
            base = self._dotted(node.value)
            return f"{base}.{node.attr}" if base else None
        return None

    def _forbidden_name(self, node: ast.AST, dotted: str) -> None:
        if self.forbidden and dotted.startswith(PRIVATE):  # private entry points reach any op unguarded
            self._add(self.uses, node, ".".join(dotted.split(".")[:2]) + " (torch internals)")
        for name in self.forbidden:
            if dotted == name or _same_api(dotted, name):
                self._add(self.uses, node, name)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        dotted = self._dotted(node)
        if dotted:
            self._forbidden_name(node, dotted)
        elif node.attr in self.methods:
            self._add(self.uses, node, f"torch.Tensor.{node.attr}")
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        dotted = self.aliases.get(node.id)
        if dotted and dotted != node.id:
            self._forbidden_name(node, dotted)


def _same_api(dotted: str, name: str) -> bool:
    """`torch.nn.MultiheadAttention` and `torch.nn.modules.activation.MultiheadAttention` are one API."""
    if dotted.rsplit(".", 1)[-1] != name.rsplit(".", 1)[-1]:
        return False
    return (
        dotted.startswith("torch.nn.")
        and name.startswith("torch.nn.")
        and not ("functional" in dotted) ^ ("functional" in name)
    )


def scan(tree: ast.Module, source: str, forbidden: list[str]) -> tuple[list[Finding], list[Finding]]:
    """(uses of forbidden APIs, imports of the references), each with line numbers."""
    scanner = _Scanner(source.splitlines(), set(forbidden))
    # aliases first (imports may sit below their first use in a function body)
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            scanner.visit(node)
    scanner.uses.clear()
    scanner.imports.clear()
    scanner.visit(tree)
    scanner.uses.sort(key=lambda f: f.line)
    return scanner.uses, scanner.imports

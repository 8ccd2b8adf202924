"""The learner's stub, generated from the reference's marked regions (one source per drill)."""

from __future__ import annotations

import re

from llmprep.errors import LlmprepError

BEGIN = "# llmprep: solution begin"
END = "# llmprep: solution end"
HEADER_RE = re.compile(r"^#\s*llmprep:\s*([a-z0-9_]+)\s*$")
HARD_MARK = "# llmprep-mode: hard"
HARD_SECTIONS = ("Shapes", "Shape", "Forbidden", "Arguments", "Returns")  # what hard mode keeps of the statement


def header(drill_id: str) -> str:
    return f"# llmprep: {drill_id}"


def header_id(text: str) -> str | None:
    """The drill id from a `# llmprep: ID` line among the first five lines, if any."""
    for line in text.splitlines()[:5]:
        match = HEADER_RE.match(line.strip())
        if match and match.group(1) not in ("solution",):
            return match.group(1)
    return None


def is_hard(path: str | None) -> bool:
    """Was this file started with `llmprep start ID --hard` (its mark among the first five lines)?"""
    try:
        with open(path, encoding="utf-8") as file:
            return any(line.strip() == HARD_MARK for _, line in zip(range(5), file))
    except (OSError, TypeError, UnicodeDecodeError):
        return False


def _heading(lines: list[str], i: int) -> str | None:
    """The section a line opens (`Shapes`, `Forbidden: ...`, `Convention (per row)` over an indented
    block, `Rule for T == 0:`), by its first word; None for a line of text."""
    line = lines[i].rstrip()
    if not line or line[0].isspace() or not line[0].isupper():
        return None
    nxt = lines[i + 1] if i + 1 < len(lines) else ""
    over_block = bool(nxt.strip()) and nxt[0].isspace() and not line.endswith(".")
    if line.endswith(":") or re.match(r"^[A-Z][\w ]{0,30}: ", line) or over_block or line.isalpha():
        return re.split(r"[\s:(]", line, maxsplit=1)[0]
    return None


def hard_docstring(docstring: str, drill_id: str) -> str:
    """The task statement's opening paragraph, the paragraph that gives the call, and its Shapes,
    Forbidden, Arguments and Returns sections; the conventions, traps and worked example stay hidden
    until `llmprep hint ID --contract`."""
    lines = docstring.splitlines()
    title = next((i for i, line in enumerate(lines) if not line.strip()), len(lines))
    kept: list[str] = lines[:title] + [""]
    section, paragraph = None, []
    for i in range(title + 1, len(lines) + 1):
        line = lines[i] if i < len(lines) else ""
        heading = _heading(lines, i) if i < len(lines) else None
        if heading:
            section = heading
        if section is None:  # before the first heading: keep the paragraph that states the call
            if line.strip():
                paragraph.append(line)
                continue
            if paragraph and paragraph[0].startswith("Write") and not any(">>>" in p for p in paragraph):
                kept += paragraph + [""]
            paragraph = []
        elif section in HARD_SECTIONS:
            kept.append(line)
    while kept[-1] == "":
        kept.pop()
    kept += [
        "",
        f"Hard mode: the conventions and the example are hidden; `llmprep hint {drill_id} --contract` shows them.",
    ]
    return "\n".join(kept)


def _hide_contract(reference: str, drill_id: str) -> str:
    start = reference.index('"""') + 3
    end = reference.index('"""', start)
    return reference[:start] + hard_docstring(reference[start:end].strip("\n"), drill_id) + "\n" + reference[end:]


def make_stub(drill_id: str, reference: str, rel: str = "reference.py", *, hard: bool = False) -> str:
    """The reference with each marked region replaced by `raise NotImplementedError` at its indentation;
    `hard` also cuts the task statement down to its summary, shapes and forbidden names."""
    out = [header(drill_id)] + ([HARD_MARK] if hard else [])
    if hard:
        reference = _hide_contract(reference, drill_id)
    open_at: int | None = None
    regions = 0
    for number, line in enumerate(reference.splitlines(), start=1):
        stripped = line.strip()
        if stripped == BEGIN:
            if open_at is not None:
                raise LlmprepError(
                    f"{rel}:{number}: a solution region opens inside the one from line {open_at}",
                    fix=f"close it with `{END}` first",
                )
            open_at = number
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f'{indent}raise NotImplementedError("not implemented yet: replace this line with your code")')
        elif stripped == END:
            if open_at is None:
                raise LlmprepError(f"{rel}:{number}: `{END}` without a matching begin", fix=f"add `{BEGIN}` above it")
            open_at = None
            regions += 1
        elif open_at is None:
            out.append(line)
    if open_at is not None:
        raise LlmprepError(f"{rel}:{open_at}: solution region never closed", fix=f"add `{END}` after it")
    if regions == 0:
        raise LlmprepError(f"{rel}:1: no solution region", fix=f"mark the learner's part with `{BEGIN}` / `{END}`")
    return "\n".join(out) + "\n"

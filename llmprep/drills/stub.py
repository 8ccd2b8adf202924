"""The learner's stub, generated from the reference's marked regions (one source per drill)."""

from __future__ import annotations

import re

from llmprep.errors import LlmprepError

BEGIN = "# llmprep: solution begin"
END = "# llmprep: solution end"
HEADER_RE = re.compile(r"^#\s*llmprep:\s*([a-z0-9_]+)\s*$")


def header(drill_id: str) -> str:
    return f"# llmprep: {drill_id}"


def header_id(text: str) -> str | None:
    """The drill id from a `# llmprep: ID` line among the first five lines, if any."""
    for line in text.splitlines()[:5]:
        match = HEADER_RE.match(line.strip())
        if match and match.group(1) not in ("solution",):
            return match.group(1)
    return None


def make_stub(drill_id: str, reference: str, rel: str = "reference.py") -> str:
    """The reference with each marked region replaced by `raise NotImplementedError` at its indentation."""
    out = [header(drill_id)]
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

"""The checksum manifest of the references: solutions/MANIFEST.sha256 lists the sha256 of every
drill's reference.py and cases.py. `llmprep dev manifest` writes it; the grader refuses to run a
file whose bytes differ from it ("reference changed on disk"), and a test keeps it current."""

from __future__ import annotations

import hashlib
from pathlib import Path

from llmprep.drills import DRILL_FILE
from llmprep.errors import LlmprepError

MANIFEST = "MANIFEST.sha256"
TRUSTED = ("reference.py", "cases.py")


class ReferenceChanged(LlmprepError):
    """A reference file's bytes differ from the manifest: it is not trusted."""


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def build(root: Path) -> str:
    """The manifest's text for the drills under `root`."""
    lines = []
    for drill in sorted(p.parent for p in root.glob(f"*/{DRILL_FILE}")):
        for name in TRUSTED:
            path = drill / name
            if path.is_file():
                lines.append(f"{digest(path.read_bytes())}  {drill.name}/{name}")
    return "\n".join(lines) + "\n"


def read(root: Path) -> dict[str, str]:
    path = root / MANIFEST
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        raise ReferenceChanged(
            f"no {path}: the references cannot be verified",
            fix="reinstall llmprep, or run `llmprep dev manifest` in a source checkout",
        ) from None
    entries = {}
    for line in text.splitlines():
        sha, _, rel = line.partition("  ")
        if len(sha) == 64 and rel:
            entries[rel] = sha
    return entries


def verified_bytes(root: Path, drill_id: str, name: str, entries: dict[str, str] | None = None) -> bytes:
    """The bytes of solutions/<drill>/<name>, read once, if they match the manifest."""
    rel = f"{drill_id}/{name}"
    data = (root / rel).read_bytes()
    want = (entries if entries is not None else read(root)).get(rel)
    if want != digest(data):
        raise ReferenceChanged(
            f"reference changed on disk: {root.name}/{rel} differs from {root.name}/{MANIFEST}; it is not trusted",
            fix="reinstall llmprep; if you edited it on purpose, run `llmprep dev manifest`",
        )
    return data

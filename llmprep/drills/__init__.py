"""Drills: one folder per drill under solutions/, found by glob (solutions/<id>/drill.yaml)."""

from pathlib import Path

from llmprep.paths import solutions_dir

DRILL_FILE = "drill.yaml"


def drill_ids(root: Path | None = None) -> set[str]:
    """The ids of all drills, read from folder names alone (no YAML, no torch)."""
    root = root or solutions_dir()
    return {p.parent.name for p in root.glob(f"*/{DRILL_FILE}")}

"""Shared test helpers: run the real CLI in a subprocess, write small banks."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent


def run_cli(
    *args: str, env: dict | None = None, cwd: Path | None = None, input: str | None = None, timeout: float = 120
) -> subprocess.CompletedProcess:
    full_env = dict(os.environ, COLUMNS="200", **(env or {}))
    return subprocess.run(
        [sys.executable, "-m", "llmprep", *args],
        capture_output=True,
        text=True,
        env=full_env,
        cwd=cwd,
        input=input,
        timeout=timeout,
    )


def concept(qid: str, **extra) -> dict:
    q = {
        "id": qid,
        "set": "extended",
        "topic": "attention",
        "difficulty": "mid",
        "type": "concept",
        "prompt": {"en": f"Prompt of {qid}?", "zh": f"{qid} 的问题？"},
        "answer": {"en": "An answer.", "zh": "一个答案。"},
        "key_points": [{"en": "A point.", "zh": "一个要点。", "requires": ["point | 要点"]}],
    }
    q.update(extra)
    return q


def make_bank(root: Path, files: dict[str, list[dict] | str]) -> Path:
    """A bank folder with the real taxonomy and the given files (question lists or raw YAML text)."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copy(REPO / "questions" / "taxonomy.yaml", root / "taxonomy.yaml")
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        text = (
            content
            if isinstance(content, str)
            else yaml.safe_dump({"version": 2, "questions": content}, allow_unicode=True, sort_keys=False)
        )
        path.write_text(text, encoding="utf-8")
    return root

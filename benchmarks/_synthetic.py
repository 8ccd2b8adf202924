"""A generated bank of N valid questions, for benchmarks that must not depend on the real bank's size."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

TYPES = ("concept", "choice", "numeric")


def _question(i: int, topic: str) -> dict:
    text = {
        "en": f"Synthetic question {i} about {topic}: explain the idea in two sentences.",
        "zh": f"第 {i} 道关于 {topic} 的合成题：用两句话解释。",
    }
    q = {
        "id": f"{topic}/synthetic-{i}",
        "set": "extended",
        "topic": topic,
        "difficulty": "mid",
        "type": TYPES[i % 3],
        "prompt": text,
        "answer": text,
        "source": "original",
    }
    if q["type"] == "concept":
        q["key_points"] = [{"en": "a point", "zh": "一个要点", "requires": ["point | 要点"]}]
    elif q["type"] == "choice":
        q.update(
            choices=[{"en": "yes", "zh": "是"}, {"en": "no", "zh": "否"}],
            correct="A",
            explanation={"en": "Because.", "zh": "因为。"},
        )
    else:
        q.update(value=float(i), tolerance={"rel": 0.01}, unit="", solution=text, inputs={"i": i})
    return q


def write_bank(root: Path, n: int, real_bank: Path, per_file: int = 20) -> Path:
    """Write n questions spread over the real taxonomy's topics, per_file to a file."""
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    shutil.copy(real_bank / "taxonomy.yaml", root / "taxonomy.yaml")
    topics = list(yaml.safe_load((real_bank / "taxonomy.yaml").read_text(encoding="utf-8"))["topics"])
    for start in range(0, n, per_file):
        topic = topics[(start // per_file) % len(topics)]
        questions = [_question(i, topic) for i in range(start, min(n, start + per_file))]
        folder = root / topic
        folder.mkdir(exist_ok=True)
        text = yaml.safe_dump({"version": 2, "questions": questions}, allow_unicode=True, sort_keys=False)
        (folder / f"part-{start // per_file:03d}.yaml").write_text(text, encoding="utf-8")
    return root

"""The labelled answer corpus for concept questions: tune/ (key points may be fitted to it) and
heldout/ (written by people who never saw the key points; never tuned on). Used by
test_concept_corpus.py and benchmarks/concept_benchmark.py."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from llmprep.quiz.judge import judge

CORPUS = Path(__file__).parent / "corpus"
SPLITS = ("tune", "heldout")
LABELS = ("correct", "wrong")


@dataclass(frozen=True)
class Entry:
    id: str
    lang: str
    label: str
    kind: str
    text: str
    file: str


@dataclass
class Table:
    """Counts of label x verdict, and the entries judged against their label."""

    counts: Counter = field(default_factory=Counter)
    misjudged: list[tuple[Entry, str]] = field(default_factory=list)

    def total(self, label: str) -> int:
        return sum(n for (lab, _), n in self.counts.items() if lab == label)

    def accuracy(self, label: str) -> float:
        good = (
            self.counts[(label, "correct")]
            if label == "correct"
            else self.total(label) - self.counts[(label, "correct")]
        )
        return good / max(1, self.total(label))


def load(split: str, qtype: str = "concept", questions: dict | None = None) -> list[Entry]:
    entries = []
    for path in sorted((CORPUS / split).glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert data.get("version") == 1, f"{path}: version must be 1"
        for item in data["answers"]:
            if questions is not None and questions[item["id"]].type != qtype:
                continue
            entries.append(
                Entry(
                    item["id"],
                    item.get("lang", "en"),
                    item["label"],
                    item.get("kind", ""),
                    str(item["text"]),
                    path.name,
                )
            )
    return entries


def evaluate(entries: list[Entry], questions: dict) -> Table:
    table = Table()
    for entry in entries:
        verdict = judge(questions[entry.id], entry.text, entry.lang)
        said = verdict.verdict if verdict else "wrong"
        table.counts[(entry.label, said)] += 1
        if (said == "correct") != (entry.label == "correct"):
            table.misjudged.append((entry, said))
    return table

"""The labelled answer corpus for concept questions: tune (answers/ at the repository root, shipped as
the judge's reviewed examples; key points may be fitted to it) and heldout/ (written by people who
never saw the key points; never tuned on, never shipped). Used by test_concept_corpus.py and
benchmarks/concept_benchmark.py.

Answers were written in rounds, each round by its own writers; a round's file names share a stem
(concept-t4-2 and concept-h4-1 are round 4). An answer is judged without the reviewed examples of its
own round: a learner's answer is never one of them, nor written by their writers."""

from __future__ import annotations

import functools
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from llmprep import paths
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
    writer_label: str  # before the blind label audit (the same unless two auditors disagreed with the writer)
    audit: str  # the two auditors' reasons, where they relabelled


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
    files = sorted((CORPUS / split).glob("*.yaml"))
    if split == "tune":
        files += sorted(paths.answers_dir().glob("*.yaml"))
    for path in files:
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
                    item.get("writer_label", item["label"]),
                    item.get("audit", ""),
                )
            )
    return entries


def writing_round(name: str) -> str:
    """concept-t4-2 and concept-h4-1 -> 4 (one round split into tune and held-out); otherwise the name's
    letters: concept-e3-terse -> e, concept-n11-moe -> n, concept-f1 -> f."""
    stem = name.removesuffix(".yaml").removeprefix("concept-")
    if m := re.fullmatch(r"[th](\d+)-\d+", stem):
        return m.group(1)
    return re.match(r"[a-z]*", stem).group()


def _same_round(own: str, source: str) -> bool:
    return writing_round(source) == own


def _every_source(source: str) -> bool:
    return True


def judged(entries: list[Entry], questions: dict, examples: bool = True) -> list[str]:
    """Each entry's verdict, judged without the reviewed examples of its own writing round (or, with
    `examples` False, without any: the key points alone)."""
    said = []
    for entry in entries:
        skip = functools.partial(_same_round, writing_round(entry.file)) if examples else _every_source
        verdict = judge(questions[entry.id], entry.text, entry.lang, skip)
        said.append(verdict.verdict if verdict else "wrong")
    return said


def tabulate(entries: list[Entry], said: list[str], labels: str = "label") -> Table:
    """Label x verdict counts, by the audited labels or (`writer_label`) by the writers'."""
    table = Table()
    for entry, verdict in zip(entries, said):
        label = getattr(entry, labels)
        table.counts[(label, verdict)] += 1
        if (verdict == "correct") != (label == "correct"):
            table.misjudged.append((entry, verdict))
    return table


def evaluate(entries: list[Entry], questions: dict) -> Table:
    return tabulate(entries, judged(entries, questions))

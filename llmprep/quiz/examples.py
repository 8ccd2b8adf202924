"""Reviewed example answers (answers/*.yaml, labelled correct or wrong) and how close a learner's
answer is to each kind.

Key points catch what their synonym groups name; an answer worded unlike any of them, or a wrong one
that names every concept with the roles reversed, slips past. Its nearest labelled answers to the same
question often tell: closeness is the cosine of tf-idf vectors (words, word pairs, Chinese characters
and character pairs), averaged over the two nearest answers of each label. Keyword lists and echoes of
the prompt are left out of the wrong side: the judge already gives them nothing, and terse right
answers resemble them.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from llmprep import paths
from llmprep.bank import cache
from llmprep.errors import LlmprepError

NEAREST = 2  # answers of each label averaged
RIGHT_MARGIN, RIGHT_FLOOR = 0.1, 0.2  # a partial answer this much closer to right answers counts as right
NOT_CLAIMS = frozenset({"stuffing", "echo"})  # kinds of wrong answer the judge rejects by other means

_WORD = re.compile(r"[a-z0-9_]+")
_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")


@dataclass(frozen=True)
class Example:
    label: str  # correct | wrong
    source: str  # file stem: answers written together share it
    text: str


@dataclass(frozen=True)
class Closeness:
    correct: float  # to reviewed correct answers, 0-1
    wrong: float  # to reviewed wrong answers that make a claim, 0-1


def _features(text: str) -> Counter:
    lowered = text.lower()
    words = _WORD.findall(lowered)
    found = Counter(words)
    found.update(f"{a} {b}" for a, b in zip(words, words[1:]))
    for run in _CJK_RUN.findall(lowered):
        found.update(run)
        found.update(run[i : i + 2] for i in range(len(run) - 1))
    return found


class Examples:
    def __init__(self, by_question: dict[str, list[Example]]):
        self.by_question = by_question
        self.df: Counter = Counter()
        for examples in by_question.values():
            for example in examples:
                self.df.update(_features(example.text).keys())
        self.size = sum(len(v) for v in by_question.values())
        self._vectors: dict[str, list[tuple[Example, dict[str, float]]]] = {}

    def _vector(self, text: str) -> dict[str, float]:
        weights = {f: (1 + math.log(n)) * math.log(self.size / (1 + self.df[f])) for f, n in _features(text).items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {f: w / norm for f, w in weights.items()}

    def closeness(self, qid: str, text: str, skip: Callable[[str], bool] | None = None) -> Closeness | None:
        """None when the question has no reviewed answers of both labels (after `skip`, a predicate on
        the source, which benchmarks use to leave out answers by the same writers)."""
        if qid not in self._vectors:
            self._vectors[qid] = [(e, self._vector(e.text)) for e in self.by_question.get(qid, [])]
        answer = self._vector(text)
        sims: dict[str, list[float]] = {"correct": [], "wrong": []}
        for example, vector in self._vectors[qid]:
            if skip is None or not skip(example.source):
                sims[example.label].append(sum(w * vector.get(f, 0.0) for f, w in answer.items()))
        if not sims["correct"] or not sims["wrong"]:
            return None
        nearest = {label: sorted(s, reverse=True)[:NEAREST] for label, s in sims.items()}
        return Closeness(*(sum(nearest[label]) / len(nearest[label]) for label in ("correct", "wrong")))


def reads_like(c: Closeness | None) -> str | None:
    """`wrong` when closer to wrong answers than to right ones, `correct` when clearly closer to right
    ones (thresholds chosen on answers written apart from the ones they were measured on)."""
    if c is None:
        return None
    if c.wrong > c.correct:
        return "wrong"
    if c.correct - c.wrong > RIGHT_MARGIN and c.correct > RIGHT_FLOOR:
        return "correct"
    return None


def _read(path: Path) -> list[tuple[str, Example]]:
    import yaml

    from llmprep.yamlnode import Loader

    fix = "each answer needs id, label (correct or wrong) and text, under `version: 1` and `answers:`"
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise LlmprepError(f"{path}: cannot read the example answers ({exc})", fix) from None
    if not isinstance(data, dict) or data.get("version") != 1 or not isinstance(data.get("answers"), list):
        raise LlmprepError(f"{path}: not a version-1 file of example answers", fix)
    out = []
    for n, item in enumerate(data["answers"], 1):
        if (
            not isinstance(item, dict)
            or item.get("label") not in ("correct", "wrong")
            or not {"id", "text"} <= item.keys()
        ):
            raise LlmprepError(f"{path}: answer {n} lacks an id, a text or a label correct/wrong", fix)
        if item.get("kind") in NOT_CLAIMS:
            continue
        out.append((str(item["id"]), Example(item["label"], path.stem, str(item["text"]))))
    return out


@functools.cache
def load_examples(root: Path | None = None) -> Examples:
    """The reviewed answers, from a cache keyed on the files' sizes and times like the bank's."""
    root = root or paths.answers_dir()
    key = cache.cache_key(root)
    where = cache.cache_file(paths.cache_dir(), root, "examples")
    if (kept := cache.read(where, key)) is not None:
        return kept
    files = sorted(root.glob("*.yaml"))
    if not files:
        raise LlmprepError(f"no reviewed example answers in {root}", "reinstall llmprep: the package ships them")
    by_question: dict[str, list[Example]] = {}
    for path in files:
        for qid, example in _read(path):
            by_question.setdefault(qid, []).append(example)
    examples = Examples(by_question)
    cache.write(where, key, examples)
    return examples

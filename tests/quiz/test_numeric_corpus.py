"""The numeric judge on the labelled corpora: >= 95% of right answers judged correct and >= 95% of
wrong answers not, on the tune split and (when present) the held-out split."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml

from llmprep.bank import load_bank
from llmprep.quiz.judge import AnswerFormatError, judge

CORPUS = Path(__file__).parent / "corpus"
SPLITS = ("tune", "heldout")
KINDS = {
    "correct": {"as-displayed", "other-form", "rounded"},
    "wrong": {"slip-x2", "slip-1000-1024", "slip-x8", "slip-power-of-ten", "near-miss", "other"},
}
BANK = load_bank().questions


def entries(split: str) -> list[dict]:
    """Every entry of the split's numeric*.yaml files, checked for shape."""
    found = []
    for path in sorted((CORPUS / split).glob("numeric*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        assert data["version"] == 1 and set(data) == {"version", "answers"}, f"{path}: keys version and answers"
        found += [(path, i, e) for i, e in enumerate(data["answers"])]
    assert found, f"no numeric*.yaml in corpus/{split}"
    for path, i, e in found:
        where = f"{path.name} entry {i} ({e.get('id')})"
        assert set(e) == {"id", "lang", "label", "kind", "text"}, f"{where}: keys id, lang, label, kind, text"
        assert e["id"] in BANK and BANK[e["id"]].type == "numeric", f"{where}: not a numeric question of the bank"
        assert e["lang"] in ("en", "zh") and e["label"] in KINDS, f"{where}: lang en|zh, label correct|wrong"
        assert e["kind"] in KINDS[e["label"]], f"{where}: kind {e['kind']!r} is not one of {sorted(KINDS[e['label']])}"
    return [e for _, _, e in found]


def judged_correct(e: dict) -> bool:
    try:
        return judge(BANK[e["id"]], str(e["text"]), e["lang"]).verdict == "correct"
    except AnswerFormatError:
        return False


@pytest.mark.parametrize("split", SPLITS)
def test_judge_meets_the_figures_on_the_corpus(split):
    rows = entries(split)
    right = [judged_correct(e) for e in rows if e["label"] == "correct"]
    wrong = [not judged_correct(e) for e in rows if e["label"] == "wrong"]
    assert right and wrong
    assert sum(right) / len(right) >= 0.95, f"{split}: {sum(right)}/{len(right)} right answers judged correct"
    assert sum(wrong) / len(wrong) >= 0.95, f"{split}: {sum(wrong)}/{len(wrong)} wrong answers not judged correct"


def test_tune_corpus_covers_every_numeric_question():
    counts = Counter((e["id"], e["label"]) for e in entries("tune"))
    for q in BANK.values():
        if q.type == "numeric":
            assert counts[q.id, "correct"] >= 3 and counts[q.id, "wrong"] >= 3, f"{q.id}: 3 right and 3 wrong"

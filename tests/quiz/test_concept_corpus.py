"""The concept judge measured on the labelled corpus: >= 95% right on correct and on wrong answers,
on the held-out part (never tuned on) as on the tuning part."""

from collections import Counter

import pytest
from judge_corpus import LABELS, SPLITS, evaluate, load

from llmprep.bank import load_bank

TARGET = 0.95  # issue 8: on the held-out part, for correct and for wrong answers
# What the judge reaches today on the held-out part (5856 answers written blind in five rounds): 92.8% of
# correct answers judged correct, 94.0% of wrong ones not. A guard against regressions, not the target,
# which test_held_out_meets_the_target tracks.
FLOOR = {"tune": 0.98, "heldout": 0.92}


@pytest.fixture(scope="module")
def questions():
    return load_bank().questions


@pytest.fixture(scope="module")
def tables(questions):
    """Each split judged once."""
    return {split: evaluate(load(split, questions=questions), questions) for split in SPLITS}


def _accuracy(tables, split, label):
    table = tables[split]
    assert table.total(label) > 0, f"no {label} answers in {split}/"
    misjudged = [
        f"{e.file} {e.id} [{e.lang}/{e.kind}] judged {said}: {e.text[:80]!r}"
        for e, said in table.misjudged
        if e.label == label
    ]
    return table.accuracy(label), "\n".join(misjudged[:20])


@pytest.mark.parametrize("split", SPLITS)
@pytest.mark.parametrize("label", LABELS)
def test_accuracy_does_not_regress(tables, split, label):
    accuracy, misjudged = _accuracy(tables, split, label)
    assert accuracy >= FLOOR[split], misjudged


@pytest.mark.xfail(strict=True, reason="held-out accuracy is below the 95% target (issue 8 closing note)")
@pytest.mark.parametrize("label", LABELS)
def test_held_out_meets_the_target(tables, label):
    assert _accuracy(tables, "heldout", label)[0] >= TARGET


def test_every_concept_question_has_labelled_answers(questions):
    have = Counter()
    for entry in load("tune", questions=questions) + load("heldout", questions=questions):
        have[(entry.id, entry.label, entry.lang if entry.label == "correct" else "")] += 1
    lacking = [
        q.id
        for q in questions.values()
        if q.type == "concept"
        and not (have[(q.id, "correct", "en")] and have[(q.id, "correct", "zh")] and have[(q.id, "wrong", "")] >= 2)
    ]
    assert not lacking, (
        f"{len(lacking)} concept questions lack a correct en, a correct zh or two wrong answers: {lacking[:10]}"
    )


def test_a_third_is_held_out(questions):
    tune, heldout = len(load("tune", questions=questions)), len(load("heldout", questions=questions))
    assert heldout >= (tune + heldout) / 3

"""The concept judge measured on the labelled corpus: >= 95% right on correct and on wrong answers,
on the held-out part (never tuned on) as on the tuning part. Each answer is judged without the
reviewed examples written in its own round (judge_corpus.writing_round)."""

from collections import Counter

import pytest
from judge_corpus import LABELS, SPLITS, judged, load, tabulate

from llmprep.bank import load_bank

TARGET = 0.95  # issue 8: on the held-out part, for correct and for wrong answers
# Today: held-out (7420 answers, six blind rounds) 98.0% / 96.9%, by the writers' labels 97.6% / 97.3%;
# round 6 alone (1564, never tuned on nor seen by the examples) 99.4% / 95.0%; tune 98.0% / 99.6%.
FLOOR = {"tune": 0.98, "heldout": TARGET}


@pytest.fixture(scope="module")
def questions():
    return load_bank().questions


@pytest.fixture(scope="module")
def tables(questions):
    """Each split judged once; held-out also counted by the labels its writers gave, before the audit."""
    out = {}
    for split in SPLITS:
        entries = load(split, questions=questions)
        said = judged(entries, questions)
        out[split] = tabulate(entries, said)
        out[f"{split} (writers' labels)"] = tabulate(entries, said, "writer_label")
    return out


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


@pytest.mark.parametrize("labels", ["heldout", "heldout (writers' labels)"])
@pytest.mark.parametrize("label", LABELS)
def test_held_out_meets_the_target(tables, labels, label):
    accuracy, misjudged = _accuracy(tables, labels, label)
    assert accuracy >= TARGET, misjudged


def test_the_audit_only_relabels_with_a_reason(questions):
    """A held-out label differs from its writer's only where two blind auditors both disagreed with it."""
    entries = load("heldout", questions=questions)
    relabelled = [e for e in entries if e.label != e.writer_label]
    assert all(e.audit for e in relabelled)
    assert len(relabelled) < len(entries) / 100


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

"""Reviewed example answers: closeness, how it moves a verdict, loading and caching, and that the
shipped examples answer concept questions of the bank."""

import pytest
from test_concept import Q

from llmprep.bank import load_bank
from llmprep.errors import LlmprepError
from llmprep.quiz import concept
from llmprep.quiz.examples import Example, Examples, load_examples, reads_like

RIGHT = [
    "The variance of the dot product grows with d_k, so the softmax saturates and its gradients vanish.",
    "Logit variance grows linearly in d_k; softmax turns one-hot and the gradients vanish.",
]
WRONG = [
    "The variance grows with d_k, and the division keeps the optimizer's momentum from saturating, "
    "so Adam's update vanishes less often.",
    "Because the variance grows, Adam's momentum saturates and its update vanishes unless we divide.",
]
OTHER_QUESTION = "The KV cache stores keys and values of past tokens."


@pytest.fixture
def examples(monkeypatch):
    pool = Examples(
        {
            Q.id: [Example("correct", "concept-t1-1", t) for t in RIGHT]
            + [Example("wrong", "concept-t1-2", t) for t in WRONG],
            "inference/y": [Example("correct", "concept-t1-1", OTHER_QUESTION)] * 3,
        }
    )
    monkeypatch.setattr(concept, "load_examples", lambda: pool)
    return pool


def test_closeness_tells_right_from_wrong_answers(examples):
    assert reads_like(examples.closeness(Q.id, "Adam's momentum saturates because the variance grows.")) == "wrong"
    assert reads_like(examples.closeness(Q.id, "Dot-product variance grows with d_k; softmax turns one-hot.")) == (
        "correct"
    )


def test_no_closeness_without_examples_of_both_labels(examples):
    assert examples.closeness("attention/unknown", "anything") is None
    assert examples.closeness("inference/y", OTHER_QUESTION) is None
    assert examples.closeness(Q.id, RIGHT[0], skip=lambda source: source == "concept-t1-2") is None


def test_key_points_met_but_reading_like_a_wrong_answer_is_partial(examples):
    verdict = concept.judge_concept(Q, WRONG[1])
    assert [p.hit for p in verdict.points][:2] == [True, True]
    assert verdict.verdict == "partial" and "reads like a known wrong answer" in verdict.message
    assert concept.judge_concept(Q, WRONG[1], "zh").message.startswith("提到了所有必需要点")


def test_a_partial_answer_reading_like_the_right_ones_is_correct(examples):
    text = "The dot product variance grows with d_k, so the softmax turns peaky and its gradients die."
    verdict = concept.judge_concept(Q, text)
    assert [p.hit for p in verdict.points] == [True, False, False]
    assert verdict.verdict == "correct" and verdict.message.startswith("Right in substance")
    skipped = concept.judge_concept(Q, text, skip_examples=lambda source: True)
    assert skipped.verdict == "partial"


def test_examples_never_rescue_a_contradiction_or_an_answer_with_no_point(examples):
    assert concept.judge_concept(Q, RIGHT[0] + " Scaling makes the gradients explode.").verdict == "wrong"
    assert concept.judge_concept(Q, "dot product, variance, d_k, softmax, one-hot, gradients").verdict == "wrong"


def _write(path, body):
    path.write_text("version: 1\nanswers:\n" + body, encoding="utf-8")


def test_load_reads_labels_leaves_out_non_claims_and_caches(tmp_path, monkeypatch):
    monkeypatch.setenv("LLMPREP_HOME", str(tmp_path / "home"))
    root = tmp_path / "answers"
    root.mkdir()
    _write(
        root / "concept-t1-1.yaml",
        "  - {id: a/b, label: correct, text: right}\n"
        "  - {id: a/b, label: wrong, kind: opposite, text: reversed}\n"
        "  - {id: a/b, label: wrong, kind: stuffing, text: 'x, y, z'}\n",
    )
    loaded = load_examples.__wrapped__(root)
    assert [(e.label, e.source, e.text) for e in loaded.by_question["a/b"]] == [
        ("correct", "concept-t1-1", "right"),
        ("wrong", "concept-t1-1", "reversed"),
    ]
    assert list((tmp_path / "home" / "cache").glob("examples-*.pickle"))
    assert load_examples.__wrapped__(root).by_question == loaded.by_question  # read back from the cache


@pytest.mark.parametrize(
    "body, says",
    [
        ("  - {id: a/b, label: right, text: x}\n", "answer 1 lacks an id, a text or a label correct/wrong"),
        ("  - [unclosed\n", "cannot read the example answers"),
    ],
)
def test_a_malformed_examples_file_is_one_clear_error(tmp_path, monkeypatch, body, says):
    monkeypatch.setenv("LLMPREP_HOME", str(tmp_path / "home"))
    _write(tmp_path / "bad.yaml", body)
    with pytest.raises(LlmprepError) as raised:
        load_examples.__wrapped__(tmp_path)
    assert "bad.yaml" in str(raised.value) and says in str(raised.value)


def test_shipped_examples_answer_concept_questions_with_both_labels():
    questions = load_bank().questions
    shipped = load_examples().by_question
    assert {qid for qid in shipped if questions.get(qid) is None or questions[qid].type != "concept"} == set()
    concept_ids = {qid for qid, q in questions.items() if q.type == "concept"}
    lacking = [qid for qid in concept_ids if {e.label for e in shipped.get(qid, [])} != {"correct", "wrong"}]
    assert not lacking

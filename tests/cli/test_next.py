"""`llmprep next` and bare `llmprep`: due reviews, then the next drill in curriculum order, then new
questions, then done; through the real CLI on a real store."""

import json
from datetime import datetime, timedelta, timezone

import pytest
from helpers import run_cli

from llmprep.bank import load_bank
from llmprep.drills.registry import all_drills
from llmprep.quiz.schedule import load_card, make_scheduler, review
from llmprep.store import cards as card_store
from llmprep.store import open_store
from llmprep.study.advice import curriculum


def advice(*args):
    result = run_cli("next", "--json", *args)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def pass_every_drill():
    store = open_store()
    try:
        for drill_id in all_drills():
            store.record_attempt(drill_id, "pass")
    finally:
        store.close()


def rate(question_id: str, when: datetime):
    store = open_store()
    try:
        card = review(make_scheduler(0.9), load_card(None), 3, when, 1000)
        card_store.record(store, card_store.Review(question_id, 3, when, 1000, "concept"), None, card.to_dict())
    finally:
        store.close()


def test_a_new_learner_starts_with_the_first_drill_of_the_curriculum():
    got = advice()
    first = curriculum(all_drills(), list(load_bank().topics))[0]
    assert got == {**got, "version": 1, "action": "drill", "command": f"llmprep start {first.id}"}


def test_due_reviews_come_first():
    rate("attention/why-scale-by-sqrt-dk", datetime.now(timezone.utc) - timedelta(days=30))
    got = advice()
    assert got["action"] == "review" and got["command"] == "llmprep quiz" and got["detail"] == {"due": 1}


def test_new_questions_after_the_drills_then_done(llmprep_home):
    pass_every_drill()
    got = advice()
    assert got["action"] == "new" and got["command"] == "llmprep quiz --new 20"
    (llmprep_home / "config.yaml").write_text("new_per_day: 0\n", encoding="utf-8")
    assert advice()["action"] == "done"


def test_prerequisites_come_before_the_drills_that_need_them():
    order = [d.id for d in curriculum(all_drills(), list(load_bank().topics))]
    for drill in all_drills().values():
        assert all(order.index(p) < order.index(drill.id) for p in drill.prerequisites), drill.id


@pytest.mark.parametrize("lang, words", [("en", "Solve the drill"), ("zh", "做编程练习")])
def test_bare_llmprep_shows_the_advice_and_exits_0(lang, words):
    result = run_cli("--lang", lang)
    assert result.returncode == 0 and words in result.stdout and "llmprep start " in result.stdout

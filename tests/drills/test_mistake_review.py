"""A named mistake feeds review: the question drill.yaml's `review` links it to falls due now, the
drill's code question tomorrow; `dev check` validates the links."""

import shutil
from datetime import datetime, timedelta, timezone

import pytest
from helpers import REPO, run_cli

from llmprep.bank import load_bank
from llmprep.drills.registry import all_drills
from llmprep.store import cards as card_store
from llmprep.store import open_store
from llmprep.study.mistakes import mistake_keys, schedule


def test_every_review_link_names_a_known_mistake_and_a_question():
    bank, linked = load_bank(), 0
    for drill in all_drills().values():
        for mistake, question_id in drill.review.items():
            assert mistake in mistake_keys(drill.cases), (drill.id, mistake)
            assert bank.questions[question_id].type != "code", (drill.id, question_id)
            linked += 1
    assert linked >= 30


def test_a_named_mistake_schedules_its_question_now_and_the_redo_tomorrow():
    bank, drill = load_bank(), all_drills()["attention"]
    now = datetime.now(timezone.utc)
    store = open_store()
    try:
        planned = dict(schedule(store, bank, drill, "no_scale", now))
        cards = card_store.cards(store)
    finally:
        store.close()
    code = [q.id for q in bank.questions.values() if q.type == "code" and q.drill == "attention"]
    assert planned == {"attention/why-scale-by-sqrt-dk": now, **{c: now + timedelta(days=1) for c in code}}
    assert cards["attention/why-scale-by-sqrt-dk"].due <= now and all(cards[c].due > now for c in code)


@pytest.mark.slow
def test_grading_a_known_mistake_makes_the_review_due(tmp_path):
    shutil.copy(REPO / "tests" / "golden" / "no_scale" / "submission.py", tmp_path / "attention.py")
    result = run_cli("grade", str(tmp_path / "attention.py"), "--device", "cpu")
    assert result.returncode == 1 and "scheduled for review: attention/why-scale-by-sqrt-dk" in result.stdout
    nxt = run_cli("next", "--json")
    assert '"action": "review"' in nxt.stdout

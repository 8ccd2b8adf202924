"""suspend / flag and the leech list, through the real CLI on a real store."""

import json
from datetime import datetime, timedelta, timezone

from helpers import run_cli

from llmprep.quiz.schedule import load_card, make_scheduler, review
from llmprep.store import cards as card_store
from llmprep.store import open_store

QID = "attention/scale-choice-quiz"


def stats():
    result = run_cli("stats", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def fail(question_id: str, times: int):
    store = open_store()
    try:
        when = datetime.now(timezone.utc) - timedelta(days=60)
        for i in range(times):
            card = review(make_scheduler(0.9), load_card(None), 1, when + timedelta(days=i), 1000)
            card_store.record(
                store, card_store.Review(question_id, 1, when + timedelta(days=i), 1000, "choice"), None, card.to_dict()
            )
    finally:
        store.close()


def test_a_suspended_question_is_never_asked_until_undone():
    assert run_cli("suspend", QID).returncode == 0
    cram = run_cli("quiz", "--cram", "--topic", "attention", "-n", "500", input="q\n")
    assert QID not in cram.stdout and stats()["suspended"] == [QID]
    assert QID in run_cli("list", "--status", "suspended").stdout
    assert run_cli("suspend", QID, "--undo").returncode == 0
    assert stats()["suspended"] == []


def test_a_suspended_due_card_is_not_advised():
    fail(QID, 1)
    assert json.loads(run_cli("next", "--json").stdout)["action"] == "review"
    run_cli("suspend", QID)
    assert json.loads(run_cli("next", "--json").stdout)["action"] != "review"


def test_flagged_questions_are_listed():
    assert run_cli("flag", QID, "attention/why-scale-by-sqrt-dk").returncode == 0
    assert stats()["flagged"] == sorted([QID, "attention/why-scale-by-sqrt-dk"])
    assert "Flagged" in run_cli("stats").stdout


def test_a_card_failed_eight_times_is_a_leech():
    fail(QID, 7)
    assert stats()["leeches"] == []
    fail(QID, 1)
    assert stats()["leeches"] == [{"id": QID, "lapses": 8}]
    assert "Leeches" in run_cli("stats").stdout


def test_an_unknown_id_marks_nothing(llmprep_home):
    result = run_cli("suspend", QID, "attention/nope-nope")
    assert result.returncode == 2 and "no question with id 'attention/nope-nope'" in result.stderr
    assert not (llmprep_home / "progress.sqlite3").exists()

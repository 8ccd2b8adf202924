"""`llmprep quiz --id ID ...`: exactly those questions, in the order given, due or not."""

import sqlite3

from helpers import run_cli


def test_quiz_by_id_asks_exactly_those_questions_and_records_them(llmprep_home):
    ids = ["attention/scale-choice-quiz", "attention/kv-cache-bytes-7b"]
    result = run_cli("quiz", "--id", ids[0], "--id", ids[1], "--id", ids[0], input="b\n3\n2 GiB\n4\n")
    assert result.returncode == 0, result.stderr
    assert result.stdout.index(ids[0]) < result.stdout.index(ids[1])
    db = sqlite3.connect(llmprep_home / "progress.sqlite3")
    rows = db.execute("SELECT question_id, rating, correct FROM reviews ORDER BY id").fetchall()
    db.close()
    assert rows == [(ids[0], 3, 1), (ids[1], 4, 1)]  # a repeated id is asked once


def test_an_unknown_id_is_refused_before_the_session(llmprep_home):
    result = run_cli("quiz", "--id", "attention/scale-choice-quizz")
    assert result.returncode == 2 and "did you mean `llmprep quiz --id attention/scale-choice-quiz`" in result.stderr
    assert not (llmprep_home / "progress.sqlite3").exists()

"""`llmprep mock` in a real pseudo-terminal: answers saved as given, Ctrl-C pauses, --resume continues,
the report and --history; and the plan, follow-ups, the clock and the score without a terminal."""

import os
import sqlite3
import sys

import pexpect
import pytest
from rich.console import Console

from llmprep.bank import load_bank
from llmprep.store import open_store
from llmprep.study import mock as mocks
from llmprep.study.mock_run import run

# The concept prompt is the "> " right after its instruction line: a prompt's own text may contain
# "> " (`-> (probs, tokens)`, "T > 0" wrapped onto a new line).
PROMPTS = [
    r"think it\s+through\)\.[^\n]*\r?\n> ",
    r"\nYour answer \(letters\): ",
    r"\nYour answer[^:\n]*: ",
    r"Write the stub[\s\S]*?\[Y/n\] ",
    "Report",
]
REPLIES = ["a guess\n\n", "a\n", "1\n", "s\n"]


def spawn(home, *args):
    env = {**os.environ, "LLMPREP_HOME": str(home), "NO_COLOR": "1", "COLUMNS": "120", "TERM": "dumb"}
    env.pop("LLMPREP_BANK", None)
    return pexpect.spawn(
        sys.executable,
        ["-m", "llmprep", "mock", *args],
        env=env,
        encoding="utf-8",
        timeout=60,
        cwd=str(home),
        dimensions=(50, 200),
    )


def rows(home, sql):
    db = sqlite3.connect(home / "progress.sqlite3")
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


@pytest.mark.slow
def test_ctrl_c_pauses_with_answers_saved_and_resume_finishes(llmprep_home):
    child = spawn(llmprep_home, "--minutes", "30", "--seed", "11")
    child.expect(r"1/\d+ · ")
    child.expect(PROMPTS[:4])
    child.send(REPLIES[child.match_index] if child.match_index else "my first answer\n\n")
    child.expect(r"2/\d+ · ")
    child.expect(PROMPTS[:4])
    child.sendintr()
    child.expect("Paused with 1 answer")
    child.expect(pexpect.EOF)
    assert [r[0] for r in rows(llmprep_home, "SELECT position FROM mock_answers")] == [0]

    child = spawn(llmprep_home, "--resume")
    child.expect(r"2/\d+ · ")
    while True:
        index = child.expect(PROMPTS)
        if index == 4:
            break
        child.send(REPLIES[index])
    child.expect("Score")
    child.expect(pexpect.EOF)
    (planned,) = rows(llmprep_home, "SELECT json_array_length(plan_json) FROM mocks WHERE finished_at IS NOT NULL")[0]
    answers = rows(llmprep_home, "SELECT position, typed FROM mock_answers ORDER BY position")
    assert len(answers) == planned and answers[0] == (0, "my first answer")

    history = spawn(llmprep_home, "--history")
    history.expect("#1 .* finished  seed 11")
    history.expect(pexpect.EOF)


def test_the_plan_is_seeded_and_shaped():
    bank = load_bank()
    plan = mocks.make_plan(bank, None, 5)
    assert plan == mocks.make_plan(bank, None, 5) and plan != mocks.make_plan(bank, None, 6)
    assert [bank.questions[q].type for q in plan] == list(mocks.SHAPE)
    concepts = [bank.questions[q].topic for q in plan if bank.questions[q].type == "concept"]
    assert len(set(concepts)) == len(concepts)


def test_a_missed_concept_answer_brings_its_follow_up():
    bank = load_bank()
    q = next(
        q
        for q in bank.questions.values()
        if q.type == "concept" and q.follow_ups and bank.questions[q.follow_ups[0]].type != "code"
    )
    assert mocks.follow_up(bank, q, [q.id]) == q.follow_ups[0]
    assert mocks.follow_up(bank, q, [q.id, *q.follow_ups]) is None


def test_when_time_is_up_the_mock_ends_and_scores_what_was_answered():
    bank = load_bank()
    store = open_store()
    try:
        plan = mocks.make_plan(bank, None, 1)
        mock = mocks.start(store, minutes=1, seed=1, set_name=None, plan=plan)
        mocks.save_answer(store, mock, mocks.Answer(0, plan[0], "x", "correct", 61.0), plan)
        console = Console(record=True, width=100)
        run(bank, store, mock, lang="en", console=console)
        assert "Time is up." in console.export_text()
        again = mocks.load_all(store)[-1]
        assert again.finished_at is not None and mocks.score(again) == pytest.approx(1 / len(plan))
        assert mocks.to_review(again, bank) == plan[1:]
        assert mocks.by_topic(again, bank)[bank.questions[plan[0]].topic][0] == 1.0
    finally:
        store.close()


def test_resume_without_an_unfinished_mock_is_a_usage_error(llmprep_home):
    child = spawn(llmprep_home, "--resume")
    child.expect("no unfinished mock interview to resume")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 2

"""The quiz flow: `?` at every prompt keeps the graded answer, Again comes back in the session, the unit
is shown literally, labels follow --lang. Scripted sessions feed `input()`; the pty tests run the real CLI."""

import io
from datetime import datetime, timedelta, timezone

import pexpect
import pytest
from rich.console import Console

from llmprep.bank import load_bank
from llmprep.quiz import session as session_mod
from llmprep.quiz.schedule import make_scheduler
from llmprep.quiz.session import HELP, Session
from llmprep.quiz.summary import headline
from llmprep.store import open_store
from tests.helpers import concept, make_bank
from tests.quiz.conftest import QUIZ_BANK

CONCEPT, CHOICE, NUMERIC = (
    "attention/why-scale-by-sqrt-dk",
    "attention/scale-choice-quiz",
    "attention/kv-cache-bytes-7b",
)
START = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


def numeric(qid: str, unit: str) -> dict:
    q = {k: v for k, v in concept(qid).items() if k != "key_points"}
    return {
        **q,
        "type": "numeric",
        "value": 240.0,
        "tolerance": {"rel": 0.02},
        "unit": unit,
        "inputs": {},
        "solution": {"en": "Worked out.", "zh": "算出来的。"},
    }


class Clock:
    def __init__(self):
        self.now = START

    def __call__(self) -> datetime:
        return self.now


class Script:
    """Lines for `input()`; a (minutes, line) pair first moves the clock on. End of script quits."""

    def __init__(self, lines, clock: Clock):
        self.lines, self.clock = list(lines), clock

    def __call__(self) -> str:
        if not self.lines:
            raise EOFError
        line = self.lines.pop(0)
        if isinstance(line, tuple):
            minutes, line = line
            self.clock.now += timedelta(minutes=minutes)
        return line


@pytest.fixture
def quiz(tmp_path, monkeypatch):
    """run(ids, lines, **options) -> (session, text printed, reviews stored)."""
    bank_dir = make_bank(
        tmp_path / "questions",
        {**QUIZ_BANK, "t/units.yaml": [numeric("attention/throughput", "tokens/s"), numeric("attention/ratio", "")]},
    )
    monkeypatch.setenv("LLMPREP_BANK", str(bank_dir))
    bank = load_bank()
    store = open_store()

    def run(ids, lines, *, cram=False, lang="en"):
        clock = Clock()
        monkeypatch.setattr("builtins.input", Script(lines, clock))
        console = Console(file=io.StringIO(), record=True, width=400, color_system=None)
        session = Session(
            store,
            make_scheduler(0.9),
            [bank.questions[i] for i in ids],
            lang=lang,
            cram=cram,
            console=console,
            clock=clock,
        )
        session.run()
        reviews = store.conn.execute(
            "SELECT question_id, rating, typed_answer, correct FROM reviews ORDER BY id"
        ).fetchall()
        return session, console.export_text(), reviews

    yield run
    store.close()


def test_question_mark_at_each_prompt_returns_to_it_with_the_answer_kept(quiz):
    lines = ["?", "first line", "?", "second line", "", "?", "2"]
    _, out, reviews = quiz([CONCEPT], lines)
    for key in ("concept", "more", "rating"):
        assert HELP[key]["en"] in out
    assert out.count("Type your answer; an empty line ends it") == 1  # the question was not asked again
    assert reviews == [(CONCEPT, 2, "first line\nsecond line", reviews[0][3])]


def test_u_at_the_rating_prompt_rerates_both_answers_without_asking_again(quiz):
    _, out, reviews = quiz([NUMERIC, CHOICE], ["2", "3", "c", "u", "4", "4"])
    assert "Undid the rating of attention/kv-cache-bytes-7b; rate your answer again." in out
    assert "Your answer: 2" in out and "Your answer: c" in out
    # each question was answered once: undo re-opens the rating, never the question
    assert out.count("Your answer [GiB]: ") == 1 and out.count("Your answer (letters): ") == 1
    assert reviews == [(NUMERIC, 4, "2", 1), (CHOICE, 4, "c", 0)]


def test_again_comes_back_once_its_learning_step_is_due(quiz):
    # choice rated Again (step: 1 minute); the numeric comes next; 2 minutes later the choice is due
    # again and comes before the concept
    lines = ["b", "1", "2", (2, "3"), "b", "3", "", "3"]
    session, out, reviews = quiz([CHOICE, NUMERIC, CONCEPT], lines)
    assert [r[0] for r in reviews] == [CHOICE, NUMERIC, CHOICE, CONCEPT]
    assert "Back in this session in 1m." in out and " again " in out
    assert session.tally.again == 1 and len(session.tally.ratings) == 4


def test_again_with_nothing_else_left_comes_back_at_once(quiz):
    session, _, reviews = quiz([CHOICE], ["b", "1", "b", "1", "b", "3"])
    assert [r[1] for r in reviews] == [1, 1, 3]
    assert session.tally.again == 2


def test_again_due_beyond_the_learn_ahead_limit_is_announced(quiz, monkeypatch):
    monkeypatch.setattr(session_mod, "LEARN_AHEAD", timedelta(seconds=30))
    session, out, reviews = quiz([CHOICE], ["b", "1", "b"])
    assert f"{CHOICE} comes back in 1m: run `llmprep quiz` then." in out
    assert len(reviews) == 1 and session.tally.again == 0


def test_undoing_an_again_rating_cancels_its_return(quiz):
    session, out, reviews = quiz([CHOICE, NUMERIC], ["b", "1", "u", "3", "2", "3"])
    assert reviews == [(CHOICE, 3, "b", 1), (NUMERIC, 3, "2", 1)]
    assert session.tally.again == 0 and session.learning == []


def test_cram_again_comes_back_and_the_summary_counts_what_was_practised(quiz):
    session, _, reviews = quiz([CHOICE, NUMERIC], ["b", "1", "2", "3", "b", "3"], cram=True)
    assert [r[0] for r in reviews] == [CHOICE, NUMERIC, CHOICE]
    line = headline(session.tally)
    assert line.startswith("Cram: 3 practised (Again 1, Good 2), 1 of them back after Again, 0 skipped")
    assert line.endswith("; the schedule is untouched.")
    zh = headline(session.tally, "zh")
    assert (
        zh.startswith("突击练习：练习 3 题（重来 1，良好 2），其中 1 次为重来后再现，跳过 0 题")
        and "未改动复习计划" in zh
    )


@pytest.mark.parametrize(
    "qid, prompt",
    [
        ("attention/throughput", "Your answer [tokens/s]: "),
        ("attention/ratio", "Your answer: "),
        (NUMERIC, "Your answer [GiB]: "),
    ],
    ids=["tokens/s", "unitless", "GiB"],
)
def test_the_unit_is_shown_literally(quiz, qid, prompt):
    _, out, _ = quiz([qid], [])
    assert prompt in out
    assert "[]" not in out


def test_labels_follow_the_language(quiz):
    _, out, reviews = quiz([CHOICE], ["?", "b", "3"], cram=True, lang="zh")
    assert "1/1 · 突击练习" in out and "选择 · 中级" in out and HELP["answer"]["zh"] in out
    assert "你的答案（字母）：" in out and "1 重来  2 困难  3 良好  4 简单" in out
    assert reviews == [(CHOICE, 3, "b", 1)]


# --- the real CLI in a pseudo-terminal -----------------------------------------------------------

RATE_AGAIN = r"\[Enter = 1 Again\]: "


@pytest.mark.slow
def test_question_mark_at_the_rating_prompt_records_the_answer_given(spawn, db):
    child = spawn("quiz", "--type", "choice")
    child.expect("letters")
    child.sendline("?")
    child.expect("Type your answer and press Enter")
    child.expect("letters")
    child.sendline("c")  # wrong
    child.expect("Not quite")
    child.expect(RATE_AGAIN)
    child.sendline("?")
    child.expect("Rate how well you knew it")
    # the same rating prompt, not the question again: the wrong answer cannot be replaced
    assert child.expect([RATE_AGAIN, "letters"]) == 0
    child.sendline("3")
    child.expect("Session: 1 rated \\(Good 1\\)")
    child.expect(pexpect.EOF)
    assert db("SELECT question_id, rating, typed_answer, correct FROM reviews") == [(CHOICE, 3, "c", 0)]


@pytest.mark.slow
def test_again_comes_back_in_the_real_quiz(spawn, db):
    child = spawn("quiz", "--type", "choice")
    child.expect("letters")
    child.sendline("c")
    child.expect(RATE_AGAIN)
    child.sendline("")
    child.expect("Back in this session in 1m.")
    child.expect("again")
    child.expect("letters")
    child.sendline("b")
    child.expect(r"\[Enter = 3 Good\]: ")
    child.sendline("")
    child.expect("Session: 2 rated \\(Again 1, Good 1\\), 1 of them back after Again")
    child.expect(pexpect.EOF)
    assert db("SELECT typed_answer, correct, rating FROM reviews ORDER BY id") == [("c", 0, 1), ("b", 1, 3)]


@pytest.mark.slow
def test_quiz_in_chinese(spawn):
    child = spawn("quiz", "--type", "choice", "--lang", "zh")
    child.expect("到期 0 题，新题 1 题")
    child.expect("你的答案（字母）：")
    child.sendline("b")
    child.expect("良好")
    child.sendline("3")
    child.expect("本次：评分 1 题（良好 1）")
    child.expect("正确率：选择 1/1")
    child.expect(pexpect.EOF)

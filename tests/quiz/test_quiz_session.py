"""The real `llmprep quiz` in a pseudo-terminal: every question type, undo, skip, Ctrl-C, quit."""

import json
from datetime import datetime

import pexpect
import pytest
from fsrs import Card, Rating, Scheduler

pytestmark = pytest.mark.slow

RATE = r"\[Enter = \d \w+\]: |4 Easy \([^)]*\): "

CONCEPT, CHOICE, NUMERIC = (
    "attention/why-scale-by-sqrt-dk",
    "attention/scale-choice-quiz",
    "attention/kv-cache-bytes-7b",
)


def test_each_type_undo_skip_and_ctrl_c(spawn, db):
    child = spawn("quiz")
    child.expect("0 due, 3 new")
    # concept: two staged hints, then a typed answer, key points ticked, suggestion taken with Enter
    child.expect("h shows a hint")
    for expected in ("Hint 1/2: What is the variance", "Hint 2/2: What happens to softmax", "No more hints"):
        child.expect("> ")
        child.sendline("h")
        child.expect(expected)
    child.expect("> ")
    child.sendline("The variance grows with d_k so softmax would saturate")
    child.expect("> ")
    child.sendline("")
    child.expect("✓ The dot product's variance grows linearly with d_k.")
    child.expect(RATE)
    child.sendline("")
    child.expect("Next review in")
    # choice: a wrong letter first, then undo the concept's rating from the choice's rating prompt
    child.expect("letters")
    child.sendline("c")
    child.expect("Not quite")
    child.expect(r"\[Enter = 1 Again\]: ")
    child.sendline("u")
    child.expect(f"Undid the rating of {CONCEPT}; rate your answer again")
    child.expect("Your answer: The variance grows with d_k so softmax would saturate")  # not asked again
    child.expect(RATE)
    child.sendline("3")
    # the choice comes back with its graded answer kept: it is rated, not answered again
    child.expect("Your answer: c")
    child.expect("Not quite")
    child.expect(r"\[Enter = 1 Again\]: ")
    child.sendline("s")
    child.expect("Skipped.")
    # numeric: another byte unit converts; then Ctrl-C at the rating prompt
    child.expect(r"GiB\]")
    child.sendline("2048 MiB")
    child.expect("Correct")
    child.expect(r"\[Enter = 3 Good\]: ")
    child.sendcontrol("c")
    child.expect("Session: 1 rated \\(Good 1\\), 1 skipped")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    # exactly the one rating that stands: the concept question rated Good after the undo
    assert db("SELECT question_id, rating, cram FROM reviews") == [(CONCEPT, 3, 0)]
    assert [r[0] for r in db("SELECT question_id FROM cards")] == [CONCEPT]


def test_schedule_matches_fsrs_called_directly(spawn, db):
    child = spawn("quiz", "--new", "3")
    for answer, rating in (("", "4"), ("b", "1"), ("2", "2")):
        child.expect("> |letters|GiB\\]")
        child.sendline(answer)  # an empty concept answer means "just think"
        child.expect("4 Easy \\(")
        child.sendline(rating)
    child.expect("letters")  # the choice rated Again is back (see test_quiz_flow); quit instead
    child.sendline("q")
    child.expect("Session: 3 rated")
    child.expect(pexpect.EOF)
    scheduler = Scheduler(enable_fuzzing=False)
    for qid, rating, reviewed_at, card_json in db("SELECT question_id, rating, reviewed_at, card_after FROM reviews"):
        when = datetime.fromisoformat(reviewed_at.replace("Z", "+00:00"))
        direct, _ = scheduler.review_card(Card(), Rating(rating), review_datetime=when)
        ours = json.loads(card_json)
        assert ours["due"] == direct.to_dict()["due"], qid
        assert (ours["stability"], ours["difficulty"], ours["state"]) == (
            direct.stability,
            direct.difficulty,
            direct.state.value,
        )
    stored = {qid: json.loads(card) for qid, card in db("SELECT question_id, card_json FROM cards")}
    assert len(stored) == 3


def test_quit_key_and_bad_input(spawn, db):
    child = spawn("quiz", "--type", "numeric")
    child.expect(r"GiB\]")
    child.sendline("lots")
    child.expect("type a number")  # the numeric judge says how to type one, and the same prompt returns
    child.expect(r"GiB\]")
    child.sendline("q")
    child.expect("Session: 0 rated")
    child.expect(pexpect.EOF)
    assert db("SELECT COUNT(*) FROM reviews") == [(0,)]


def test_nothing_due_offers_cram_which_leaves_the_schedule(spawn, db):
    child = spawn("quiz", "--type", "choice")
    child.expect("letters")
    child.sendline("b")
    child.expect(RATE)
    child.sendline("3")
    child.expect(pexpect.EOF)
    before = db("SELECT card_json FROM cards")
    child = spawn("quiz", "--type", "choice")
    child.expect("Nothing due and no new questions left for today \\(next review in 10m\\)")
    child.expect("Practise anyway")
    child.sendline("y")
    child.expect("cram")
    child.expect("letters")
    child.sendline("b")
    child.expect("2 Hard  3 Good  4 Easy")  # no intervals: the schedule is not touched
    child.sendline("1")
    child.expect(r"Back in this session in \d+m")  # fsrs's learning step
    child.expect("letters")  # nothing else left: it comes back at once (learn-ahead)
    child.sendline("q")
    child.expect(r"Cram: 1 practised \(Again 1\), 0 skipped, .*; the schedule is untouched\.")
    child.expect(pexpect.EOF)
    assert db("SELECT card_json FROM cards") == before
    assert db("SELECT rating, cram FROM reviews ORDER BY id") == [(3, 0), (1, 1)]


def test_daily_new_limit_from_config(spawn, db, llmprep_home):
    (llmprep_home / "config.yaml").write_text("new_per_day: 1\n")
    child = spawn("quiz")
    child.expect("0 due, 1 new")
    child.sendcontrol("c")
    child.expect(pexpect.EOF)


def test_malformed_config_is_one_line(spawn, llmprep_home):
    (llmprep_home / "config.yaml").write_text("new_per_dya: 5\n")
    child = spawn("quiz")
    child.expect(
        "llmprep: error: .*config.yaml:1: unknown key 'new_per_dya' in the config"
        " \\(fix: did you mean 'new_per_day'\\?\\)"
    )
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1


def test_the_quiz_never_imports_torch(quiz_env):
    import sys

    probe = (
        "import sys\nfrom llmprep.cli.app import main\ntry:\n    main(['quiz'])\nexcept SystemExit:\n    pass\n"
        "print('TORCH' if 'torch' in sys.modules else 'NO-TORCH')"
    )
    child = pexpect.spawn(sys.executable, ["-c", probe], env=quiz_env, encoding="utf-8", timeout=30)
    child.expect("> ")
    child.sendline("")
    child.expect("4 Easy")
    child.sendline("3")
    child.expect("letters")
    child.sendline("q")
    child.expect("NO-TORCH")
    child.expect(pexpect.EOF)

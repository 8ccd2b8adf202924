"""progress reset, solution and hint through the real CLI: unknown ids refused before any question,
end of input answered in one line, `drills` shows a give-up, and none of them loads torch."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from datetime import datetime, timezone

import pytest

from llmprep.store import cards as card_store
from llmprep.store import open_store
from llmprep.store.db import DB_NAME
from tests.helpers import concept, make_bank, run_cli

QID = "attention/why-scale-by-sqrt-dk"
T0 = datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc)


@pytest.fixture(autouse=True)
def small_bank(tmp_path_factory, monkeypatch):
    ids = (QID, "attention/kv-cache-bytes-7b", "attention/scale-choice-quiz")
    root = make_bank(tmp_path_factory.mktemp("bank"), {"attention/a.yaml": [concept(qid) for qid in ids]})
    monkeypatch.setenv("LLMPREP_BANK", str(root))


@pytest.fixture
def home(llmprep_home):
    """A store with one reviewed question."""
    store = open_store()
    card_store.record(
        store,
        card_store.Review(QID, 3, T0, 700, "concept"),
        None,
        {
            "card_id": 1,
            "state": 2,
            "step": None,
            "stability": 3.0,
            "difficulty": 5.0,
            "due": T0.isoformat(),
            "last_review": T0.isoformat(),
        },
    )
    store.close()
    return llmprep_home


def snapshot(home) -> tuple[str, set[str]]:
    """The store's hash and the files beside it (the bank cache aside)."""
    return hashlib.sha256((home / DB_NAME).read_bytes()).hexdigest(), {p.name for p in home.iterdir()} - {"cache"}


def one_line(result, code: int = 1) -> str:
    assert result.returncode == code, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("llmprep: error: "), result.stderr
    assert "Aborted" not in result.stdout + result.stderr and "Traceback" not in result.stderr
    return lines[0]


@pytest.mark.parametrize(
    "typed, closest",
    [
        ("attention/why-scale-by-sqrt", QID),
        ("attention/why-scale-by-sqrt-dk/", QID),
        ("attention/kv-cache-bytes-7", "attention/kv-cache-bytes-7b"),
        ("zzz", None),
    ],
    ids=["typo", "trailing-slash", "other-bank-id", "nothing-close"],
)
def test_reset_of_an_unknown_id_is_an_error_before_asking(home, typed, closest):
    before = snapshot(home)
    result = run_cli("progress", "reset", typed, input="y\n")
    line = one_line(result)
    assert f"no question with id {typed!r}; nothing changed" in line
    assert "Forget" not in result.stdout  # refused before the confirmation
    assert (f"did you mean `llmprep progress reset {closest}`?" in line) if closest else "llmprep list" in line
    assert snapshot(home) == before


def test_reset_of_a_question_without_progress_changes_nothing(home):
    before = snapshot(home)
    result = run_cli("progress", "reset", "attention/kv-cache-bytes-7b", input="y\n")
    assert (
        result.returncode == 0
        and result.stdout.strip() == "attention/kv-cache-bytes-7b has no progress yet; nothing changed"
    )
    assert snapshot(home) == before


def test_reset_keeps_progress_of_questions_gone_from_the_bank(home):
    store = open_store()
    card_store.record(
        store,
        card_store.Review("attention/removed-long-ago", 3, T0, 1, "concept"),
        None,
        {"state": 2, "due": T0.isoformat()},
    )
    store.close()
    done = run_cli("progress", "reset", "attention/removed-long-ago", "--yes")
    assert done.returncode == 0 and "forgot 1 card(s)" in done.stdout


@pytest.mark.parametrize("args", [["progress", "reset", QID], ["progress", "reset", "--all"]], ids=["one", "all"])
def test_reset_at_end_of_input_says_so_in_one_line(home, args):
    before = snapshot(home)
    line = one_line(run_cli(*args, input=""))
    assert "no answer to the confirmation; nothing changed (fix: answer y, or add --yes)" in line
    assert snapshot(home) == before


def test_solution_at_end_of_input_stays_hidden_in_one_line(home):
    result = run_cli("solution", "softmax", input="")
    assert "the reference stays hidden" in one_line(result)
    assert "def " not in result.stdout


def test_drills_shows_gave_up_once_the_solution_was_revealed(home):
    assert run_cli("solution", "softmax", input="I give up\n").returncode == 0
    table = run_cli("drills").stdout
    assert "gave up" in next(line for line in table.splitlines() if line.startswith("softmax "))
    assert "new" in next(line for line in table.splitlines() if line.startswith("attention "))
    store = open_store()
    store.record_attempt("softmax", "pass")  # typing the reference in afterwards is not a pass
    store.record_attempt("attention", "fail")
    store.record_attempt("attention", "pass")
    assert store.drill_status() == {"softmax": "gave up", "attention": "passed"}
    store.close()


@pytest.mark.parametrize(
    "args",
    [
        ["progress", "export", "out.json"],
        ["progress", "reset", QID, "--yes"],
        ["hint", "softmax"],
        ["drills"],
        ["solution", "softmax", "--give-up"],
        ["stats"],
    ],
    ids=["export", "reset", "hint", "drills", "solution", "stats"],
)
def test_store_commands_never_import_torch(home, tmp_path, args):
    probe = (
        "import sys\nfrom llmprep.cli.app import main\n"
        f"try:\n    main({args!r})\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        "print('TORCH' if 'torch' in sys.modules else 'NO-TORCH', file=sys.stderr)"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path)
    assert result.stderr.strip().splitlines()[-1] == "NO-TORCH", result.stderr

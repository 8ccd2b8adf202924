"""The progress store: migrations with a backup, undo, concurrency, export and import (damage: test_damage.py)."""

import json
import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone

import pytest

from llmprep.errors import LlmprepError
from llmprep.store import cards as card_store
from llmprep.store import open_store
from llmprep.store.db import DB_NAME
from llmprep.store.migrations import MIGRATIONS
from llmprep.store.transfer import export, import_, reset
from tests.helpers import run_cli

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc)


def review(qid: str, minutes: int, rating: int = 3) -> card_store.Review:
    return card_store.Review(qid, rating, T0 + timedelta(minutes=minutes), 1000, "concept", "typed", True)


def card(due_minutes: int, last: int | None = None) -> dict:
    due = (T0 + timedelta(minutes=due_minutes)).isoformat()
    return {
        "card_id": 1,
        "state": 2,
        "step": None,
        "stability": 3.0,
        "difficulty": 5.0,
        "due": due,
        "last_review": None if last is None else (T0 + timedelta(minutes=last)).isoformat(),
    }


def test_migration_from_v1_keeps_data_and_writes_a_backup(llmprep_home):
    path = llmprep_home / DB_NAME
    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[0] + "; PRAGMA user_version = 1;")
    conn.execute("INSERT INTO drill_attempts (drill_id, status, created_at) VALUES ('softmax', 'pass', 'now')")
    conn.commit()
    conn.close()
    store = open_store()
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert store.drill_status() == {"softmax": "passed"}
    backup = llmprep_home / f"{DB_NAME}.v1.bak"
    assert sqlite3.connect(backup).execute("SELECT drill_id FROM drill_attempts").fetchall() == [("softmax",)]
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_newer_schema_is_refused(llmprep_home):
    conn = sqlite3.connect(llmprep_home / DB_NAME)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 5}")
    conn.close()
    with pytest.raises(LlmprepError, match="newer than this llmprep"):
        open_store()


def test_interrupted_transaction_leaves_nothing_half_written(llmprep_home):
    store = open_store()
    with pytest.raises(KeyboardInterrupt):
        with store.transaction() as conn:
            conn.execute(
                "INSERT INTO reviews (question_id, rating, reviewed_at, qtype) VALUES ('a/b', 3, 'x', 'concept')"
            )
            raise KeyboardInterrupt
    assert store.conn.execute("SELECT COUNT(*) FROM reviews").fetchone() == (0,)


def test_undo_restores_the_card_exactly():
    store = open_store()
    first = card_store.record(store, review("a/b", 0), None, card(10, last=0))
    second = card_store.record(store, review("a/b", 20), card(10, last=0), card(3000, last=20))
    card_store.undo(store, second)
    assert card_store.cards(store)["a/b"].card == card(10, last=0)
    card_store.undo(store, first)
    assert card_store.cards(store) == {}
    assert store.conn.execute("SELECT COUNT(*) FROM reviews").fetchone() == (0,)


WRITER = """
import sys
from datetime import datetime, timedelta, timezone
from llmprep.store import cards, open_store
store = open_store()
base = datetime(2026, 1, 1, tzinfo=timezone.utc)
for i in range(100):
    r = cards.Review(f"w{sys.argv[1]}/q{i}", 3, base + timedelta(seconds=i), 1, "concept")
    cards.record(store, r, None, {"state": 1, "due": base.isoformat()})
"""


def test_two_sessions_writing_at_once_lose_nothing(llmprep_home):
    open_store().close()
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(n)]) for n in range(2)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    store = open_store()
    assert store.conn.execute("SELECT COUNT(*) FROM reviews").fetchone() == (200,)
    assert store.conn.execute("SELECT COUNT(*) FROM cards").fetchone() == (200,)
    assert store.conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_export_import_round_trip_merges(tmp_path, llmprep_home, monkeypatch):
    store = open_store()
    card_store.record(store, review("a/b", 0), None, card(10, last=0))
    store.record_attempt("softmax", "pass", seed=3)
    out = tmp_path / "progress.json"
    assert export(store, out) == {"cards": 1, "reviews": 1, "drill_attempts": 1, "hint_stages": 0}
    with pytest.raises(LlmprepError, match="already exists"):
        export(store, out)
    assert json.loads(out.read_text())["format"] == "llmprep-progress"
    monkeypatch.setenv("LLMPREP_HOME", str(tmp_path / "other-machine"))
    other = open_store()
    card_store.record(other, review("c/d", 5), None, card(20, last=5))
    assert import_(other, out) == {"cards": 1, "reviews": 1, "drill_attempts": 1, "hint_stages": 0}
    assert import_(other, out) == {"cards": 0, "reviews": 0, "drill_attempts": 0, "hint_stages": 0}  # idempotent
    assert sorted(card_store.cards(other)) == ["a/b", "c/d"]
    assert other.drill_status() == {"softmax": "passed"}


def test_import_rejects_a_foreign_file_without_writing(tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text('{"format": "anki"}')
    store = open_store()
    with pytest.raises(LlmprepError, match="not a progress export"):
        import_(store, bad)


def test_reset_asks_first(llmprep_home):
    store = open_store()
    card_store.record(store, review("a/b", 0), None, card(10, last=0))
    store.close()
    refused = run_cli("progress", "reset", "--all", input="n\n")
    assert refused.returncode == 0 and "nothing changed" in refused.stdout
    assert len(card_store.cards(open_store())) == 1
    done = run_cli("progress", "reset", "a/b", input="y\n")
    assert "forgot 1 card(s)" in done.stdout
    assert card_store.cards(open_store()) == {}
    assert reset(open_store(), None) == 0


def old_store(home, version: int) -> None:
    """A store at an old schema version, made with the migrations of that time."""
    conn = sqlite3.connect(home / DB_NAME)
    conn.executescript(";".join(MIGRATIONS[:version]) + f"; PRAGMA user_version = {version};")
    conn.execute("INSERT INTO drill_attempts (drill_id, status, created_at) VALUES ('softmax', 'fail', 'then')")
    conn.commit()
    conn.close()


def test_hint_stages_move_from_hints_json_into_the_store(llmprep_home):
    old_store(llmprep_home, 2)
    (llmprep_home / "hints.json").write_text('{"softmax": 2, "attention": 1}', encoding="utf-8")
    shown = run_cli("hint", "softmax", "--again")
    assert shown.returncode == 0, shown.stderr
    assert "hint 2/" in shown.stdout and "hint 3/" not in shown.stdout  # the stage was kept
    store = open_store()
    assert store.conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert (store.hint_stage("softmax"), store.hint_stage("attention"), store.hint_stage("gelu")) == (2, 1, 0)
    assert store.drill_status() == {"softmax": "attempted"}
    store.close()
    backup = sqlite3.connect(llmprep_home / f"{DB_NAME}.v2.bak")
    assert backup.execute("SELECT drill_id FROM drill_attempts").fetchall() == [("softmax",)]
    assert backup.execute("PRAGMA user_version").fetchone() == (2,)
    backup.close()
    assert not (llmprep_home / "hints.json").exists()  # no longer read: kept under another name
    assert (llmprep_home / "hints.json.migrated").read_text() == '{"softmax": 2, "attention": 1}'
    assert "hint 3/" in run_cli("hint", "softmax").stdout  # and it advances from there


@pytest.mark.parametrize(
    "content, kept",
    [
        ('{"softmax": 3}', {"softmax": 3}),
        ('{"softmax": "2", "gelu": -1, "attention": true, "Lora": 1, "rope": 1}', {"rope": 1}),
        ("[1, 2]", {}),
        ('{"softmax": ', {}),
    ],
    ids=["first-use", "bad-entries-dropped", "not-an-object", "cut-short"],
)
def test_hints_json_without_a_store_is_taken_in(llmprep_home, content, kept):
    (llmprep_home / "hints.json").write_text(content, encoding="utf-8")
    store = open_store()  # a new store: migrations 1..latest, the last one reads hints.json
    rows = dict(store.conn.execute("SELECT drill_id, stage FROM hint_stages").fetchall())
    store.close()
    assert rows == kept
    assert not list(llmprep_home.glob(f"{DB_NAME}.v*.bak"))  # nothing to back up in a new store


def test_a_written_store_is_copied_on_close_at_most_every_ten_minutes(llmprep_home):
    backup, note = llmprep_home / f"{DB_NAME}.bak", llmprep_home / f"{DB_NAME}.ok"
    store = open_store()
    store.close()
    assert not backup.exists()  # nothing written, nothing to keep
    store = open_store()
    store.record_attempt("softmax", "fail")
    store.close()
    assert sqlite3.connect(backup).execute("SELECT status FROM drill_attempts").fetchall() == [("fail",)]
    assert note.read_text().split()[0] == str((llmprep_home / DB_NAME).stat().st_size)
    store = open_store()
    store.record_attempt("softmax", "pass")
    store.close()
    assert sqlite3.connect(backup).execute("SELECT COUNT(*) FROM drill_attempts").fetchone() == (1,)  # not due yet
    os.utime(backup, (0, 0))
    store = open_store()
    store.set_hint_stage("softmax", 1)
    store.close()
    assert sqlite3.connect(backup).execute("SELECT COUNT(*) FROM drill_attempts").fetchone() == (2,)
    assert not list(llmprep_home.glob("*.tmp"))


def test_opening_the_store_loads_nothing_it_does_not_need():
    """The quiz opens the store on every start: the export reader stays out of it."""
    open_store().close()  # created and migrated: the next opens only check it
    code = (
        "import sys; from llmprep.store import open_store; open_store().close(); "
        "assert 'llmprep.store.export_format' not in sys.modules and 'shlex' not in sys.modules"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr

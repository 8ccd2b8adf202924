"""A damaged progress file: every command that opens it says so in one line, exits 1 and writes nothing.

The store is built by the real store and CLI, then damaged the way disks and copies damage files:
bytes overwritten in a b-tree page in the middle, the file cut short, emptied. Each command runs in a
subprocess (the real `llmprep` entry point), and the file must keep its exact bytes.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from llmprep.store import cards as card_store
from llmprep.store import open_store
from llmprep.store.db import DB_NAME
from tests.helpers import REPO, run_cli

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc)
SIDE_FILES = ("-wal", "-shm", "-journal")
BTREE_PAGE_TYPES = (0x02, 0x05, 0x0A, 0x0D)  # index/table, interior/leaf


def build_store(home: Path, reviews: int = 300) -> Path:
    """A real store: reviews, a drill attempt and a hint stage written by the store, then `llmprep hint`."""
    store = open_store()
    for i in range(reviews):
        at = T0 + timedelta(minutes=i)
        card = {
            "card_id": i,
            "state": 2,
            "step": None,
            "stability": 3.0,
            "difficulty": 5.0,
            "due": (at + timedelta(days=3)).isoformat(),
            "last_review": at.isoformat(),
        }
        review = card_store.Review(
            f"attention/q-{i % 40}", 1 + i % 4, at, 900, "concept", "my answer " * 20, i % 2 == 0
        )
        card_store.record(store, review, None, card)
    store.record_attempt("softmax", "fail", seed=1)
    store.close()
    done = run_cli("hint", "softmax")
    assert done.returncode == 0, done.stderr
    path = home / DB_NAME
    assert path.stat().st_size > 40 * 4096, "the store should span many pages"
    assert (home / f"{DB_NAME}.bak").is_file()  # the copy that the error will name
    return path


def middle_btree_page(data: bytes) -> int:
    """Offset of the first b-tree page at or after the middle of the file."""
    size = int.from_bytes(data[16:18], "big")
    pages = len(data) // size
    for number in range(pages // 2, pages):
        if data[number * size] in BTREE_PAGE_TYPES:
            return number * size
    raise AssertionError("no b-tree page in the second half")


def overwrite_middle_page(path: Path) -> None:
    data = path.read_bytes()
    assert data.startswith(b"SQLite format 3\0")
    with open(path, "r+b") as f:  # in place: same inode; the header (page 1) stays valid
        f.seek(middle_btree_page(data))
        f.write(b"\xff" * 64)


def cut_in_the_middle_of_a_page(path: Path) -> None:
    os.truncate(path, path.stat().st_size // 2 + 100)  # cut in the middle of a page


def empty(path: Path) -> None:
    os.truncate(path, 0)


DAMAGE = [overwrite_middle_page, cut_in_the_middle_of_a_page, empty]


def fingerprint(path: Path) -> tuple[str, set[str]]:
    """The file's hash, and the names of the files beside it (side files must not appear)."""
    return hashlib.sha256(path.read_bytes()).hexdigest(), {p.name for p in path.parent.iterdir()}


def assert_one_line_error(result, path: Path, restore_from: str | None = f"{DB_NAME}.bak") -> str:
    assert result.returncode == 1, (result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    line = lines[0]
    assert line.startswith("llmprep: error: progress database ") and str(path) in line and "is damaged" in line
    if restore_from:
        assert f"cp {restore_from} {DB_NAME}" in line and f"mv {DB_NAME} {DB_NAME}.damaged" in line
    assert "Traceback" not in result.stdout + result.stderr
    return line


def assert_untouched(path: Path, before: tuple[str, set[str]]) -> None:
    digest, names = fingerprint(path)
    assert digest == before[0], "the damaged file was written to"
    assert not [n for n in names if n.endswith(SIDE_FILES)], names
    assert names <= before[1] | {"cache"}, names - before[1]


@pytest.fixture
def export_file(tmp_path, llmprep_home):
    """A valid export, made before the damage, for `progress import`."""
    build_store(llmprep_home)
    target = tmp_path / "export.json"
    assert run_cli("progress", "export", str(target)).returncode == 0
    return target


def every_command(tmp_path: Path, export_file: Path) -> dict[str, list[str]]:
    drill = tmp_path / "work" / "attention.py"
    drill.parent.mkdir(exist_ok=True)
    drill.write_text("# llmprep: attention\n" + (REPO / "solutions" / "attention" / "reference.py").read_text())
    return {
        "quiz": ["quiz"],
        "quiz-cram": ["quiz", "--cram"],
        "stats": ["stats"],
        "stats-json": ["stats", "--json"],
        "drills": ["drills"],
        "list-status": ["list", "--status", "due"],
        "export": ["progress", "export", str(tmp_path / "again.json")],
        "import": ["progress", "import", str(export_file)],
        "reset-one": ["progress", "reset", "attention/q-1", "--yes"],
        "reset-all": ["progress", "reset", "--all", "--yes"],
        "hint": ["hint", "softmax"],
        "solution": ["solution", "softmax", "--give-up"],
        "grade": ["grade", str(drill), "--device", "cpu"],
    }


def test_a_damaged_page_stops_every_command_in_one_line(tmp_path, llmprep_home, export_file):
    path = llmprep_home / DB_NAME
    overwrite_middle_page(path)
    before = fingerprint(path)
    for name, args in every_command(tmp_path, export_file).items():
        result = run_cli(*args, input="")
        try:
            line = assert_one_line_error(result, path)
            assert "nothing was written to it" in line
            assert_untouched(path, before)
        except AssertionError as err:
            raise AssertionError(f"llmprep {' '.join(args)} ({name}): {err}") from None
    assert not (tmp_path / "again.json").exists()


@pytest.mark.parametrize("damage", DAMAGE, ids=[d.__name__ for d in DAMAGE])
@pytest.mark.parametrize(
    "args",
    [["quiz"], ["stats"], ["progress", "reset", "attention/q-1", "--yes"], ["hint", "softmax"]],
    ids=["quiz", "stats", "reset", "hint"],
)
def test_each_kind_of_damage_is_reported_and_left_alone(llmprep_home, damage, args):
    path = build_store(llmprep_home)
    damage(path)
    before = fingerprint(path)
    assert_one_line_error(run_cli(*args, input=""), path)
    assert_untouched(path, before)
    assert_one_line_error(run_cli(*args, input=""), path)  # and again: the first report did not "repair" it


@pytest.mark.parametrize(
    "args",
    [["stats"], ["progress", "export", "out.json"], ["progress", "reset", "--all", "--yes"]],
    ids=["stats", "export", "reset-all"],
)
def test_damage_found_after_the_open_gives_the_same_line(tmp_path, llmprep_home, args):
    """The file looks unchanged since its last check (same size, mtime and inode), so the open skips
    quick_check; the damage surfaces as sqlite3.DatabaseError in the middle of the command. These
    commands read (or delete) every review, so they reach the damaged page; `reset --all` meets it
    inside its write transaction, which is rolled back."""
    path = build_store(llmprep_home)
    stamp = path.stat()
    overwrite_middle_page(path)
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert (llmprep_home / f"{DB_NAME}.ok").read_text().split()[:2] == [str(stamp.st_size), str(stamp.st_mtime_ns)]
    before = fingerprint(path)
    first = run_cli(*args, cwd=tmp_path)
    line = assert_one_line_error(first, path)
    assert "nothing was written to it" not in line  # found while running, not by the check on open
    assert_untouched(path, (before[0], before[1] - {f"{DB_NAME}.ok"}))
    assert "database disk image is malformed" in line
    assert not (tmp_path / "out.json").exists()
    assert "nothing was written to it" in assert_one_line_error(run_cli(*args, cwd=tmp_path), path)  # now found on open


def test_verbose_shows_the_traceback(llmprep_home):
    path = build_store(llmprep_home)
    overwrite_middle_page(path)
    result = run_cli("--verbose", "stats")
    assert result.returncode == 1 and "Traceback" in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("llmprep: error: progress database")


def test_without_a_backup_the_line_says_how_to_start_over(llmprep_home):
    path = build_store(llmprep_home)
    (llmprep_home / f"{DB_NAME}.bak").unlink()
    overwrite_middle_page(path)
    line = assert_one_line_error(run_cli("stats"), path, restore_from=None)
    assert "no backup to restore" in line and "starts a new, empty store" in line


def test_the_newest_backup_is_named(llmprep_home):
    path = build_store(llmprep_home)
    old = llmprep_home / f"{DB_NAME}.v2.bak"
    old.write_bytes((llmprep_home / f"{DB_NAME}.bak").read_bytes())
    os.utime(old, (1, 1))
    overwrite_middle_page(path)
    assert_one_line_error(run_cli("stats"), path, restore_from=f"{DB_NAME}.bak")


def test_the_backup_restores_a_working_store(llmprep_home):
    path = build_store(llmprep_home)
    overwrite_middle_page(path)
    assert run_cli("stats").returncode == 1
    (llmprep_home / f"{DB_NAME}.bak").replace(path)
    restored = run_cli("stats", "--json")
    assert restored.returncode == 0, restored.stderr
    assert '"reviews_total": 300' in restored.stdout


def test_a_file_that_is_not_sqlite_is_left_alone(llmprep_home):
    path = llmprep_home / DB_NAME
    garbage = b"this is not sqlite " * 300
    path.write_bytes(garbage)
    (llmprep_home / f"{DB_NAME}.v1.bak").write_bytes(b"")
    line = assert_one_line_error(run_cli("stats"), path, restore_from=f"{DB_NAME}.v1.bak")
    assert "file is not a database" in line
    assert path.read_bytes() == garbage


def test_a_healthy_store_is_checked_only_when_it_changed(llmprep_home):
    path = build_store(llmprep_home)
    note = llmprep_home / f"{DB_NAME}.ok"
    stamp = note.read_text()
    assert run_cli("stats").returncode == 0
    assert note.read_text() == stamp  # read-only commands change neither the file nor the note
    conn = sqlite3.connect(path)  # a change made outside llmprep
    conn.execute("UPDATE drill_attempts SET seed = 2")
    conn.commit()
    conn.close()
    assert note.read_text() == stamp
    assert run_cli("stats").returncode == 0
    assert note.read_text() != stamp  # checked again, and noted as good


def test_damage_is_confirmed_without_writing_while_another_llmprep_has_the_store_open(llmprep_home):
    """With -wal and -shm present (another session open), the second look uses a read-only connection."""
    path = build_store(llmprep_home)
    other = sqlite3.connect(path)
    try:
        other.execute("SELECT COUNT(*) FROM drill_attempts").fetchone()
        assert (llmprep_home / f"{DB_NAME}-wal").exists() and (llmprep_home / f"{DB_NAME}-shm").exists()
        overwrite_middle_page(path)
        before = fingerprint(path)
        line = assert_one_line_error(run_cli("stats"), path)
        assert f"rm -f {DB_NAME}-wal {DB_NAME}-shm" in line  # a stale WAL must not be replayed onto the copy
        assert fingerprint(path) == (before[0], before[1] | {"cache"})
    finally:
        other.close()

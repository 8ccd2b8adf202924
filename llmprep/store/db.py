"""Opening the store: WAL mode, versioned migrations with a backup first, one clear error when corrupt."""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from llmprep import paths
from llmprep.errors import LlmprepError
from llmprep.store.migrations import MIGRATIONS

DB_NAME = "progress.sqlite3"


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def _corrupt(path: Path, err: Exception) -> LlmprepError:
    backups = sorted(path.parent.glob(f"{path.name}.v*.bak"))
    fix = (f"move it away and copy the backup {backups[-1]} in its place" if backups
           else f"move {path} away (llmprep then starts a new one) or restore it from your own copy")
    return LlmprepError(f"progress database {path} is unreadable or corrupt ({err})", fix=fix)


def _backup(conn: sqlite3.Connection, path: Path, version: int) -> None:
    target = path.with_name(f"{path.name}.v{version}.bak")
    dest = sqlite3.connect(target)
    try:
        conn.backup(dest)
    finally:
        dest.close()


def _migrate(conn: sqlite3.Connection, path: Path) -> None:
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    latest = len(MIGRATIONS)
    if version > latest:
        raise LlmprepError(f"progress database {path} has schema v{version}, newer than this llmprep (v{latest})",
                           fix="upgrade llmprep: pip install -U llmprep")
    if version < latest and version > 0:
        _backup(conn, path, version)
    for number in range(version + 1, latest + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            # re-read under the write lock: another process may have migrated meanwhile
            if conn.execute("PRAGMA user_version").fetchone()[0] >= number:
                conn.execute("ROLLBACK")
                continue
            for statement in MIGRATIONS[number - 1].split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise


class Store:
    """A connection to the progress database; every write is one transaction."""

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn = conn
        self.path = path

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT; any exception (Ctrl-C included) rolls back completely."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def record_attempt(self, drill_id: str, status: str, *, file: str | None = None, device: str | None = None,
                       seed: int | None = None, duration_s: float | None = None, result_json: str | None = None) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO drill_attempts (drill_id, status, file, device, seed, duration_s, result_json, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (drill_id, status, file, device, seed, duration_s, result_json, now_iso()),
            )

    def drill_status(self) -> dict[str, str]:
        """Per drill: 'passed' if any attempt passed, else 'attempted'; drills never tried are absent."""
        rows = self.conn.execute(
            "SELECT drill_id, MAX(status = 'pass') FROM drill_attempts WHERE status != 'gave_up' GROUP BY drill_id"
        ).fetchall()
        return {drill: "passed" if passed else "attempted" for drill, passed in rows}

    def gave_up(self, drill_id: str) -> bool:
        row = self.conn.execute(
            "SELECT 1 FROM drill_attempts WHERE drill_id = ? AND status IN ('pass', 'gave_up') LIMIT 1", (drill_id,)
        ).fetchone()
        return row is not None

    def close(self) -> None:
        self.conn.close()


def open_store(path: Path | None = None) -> Store:
    path = path or paths.home_dir() / DB_NAME
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise LlmprepError(f"cannot create {path.parent} ({err.strerror})", fix="set LLMPREP_HOME to a writable folder") from None
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=10)
        conn.execute("PRAGMA busy_timeout = 10000")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        _migrate(conn, path)
    except sqlite3.DatabaseError as err:
        raise _corrupt(path, err) from None
    return Store(conn, path)

"""Opening the store: damage found before anything is written, WAL mode, versioned migrations with a backup first."""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from llmprep import paths
from llmprep.errors import LlmprepError
from llmprep.store import health
from llmprep.store.migrations import MIGRATIONS, retire_legacy_files

DB_NAME = "progress.sqlite3"


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def _translated(conn, err: sqlite3.DatabaseError) -> BaseException:
    error = health.translate(conn.path, err)
    return err if error is None else error


class _Cursor(sqlite3.Cursor):
    """A cursor whose SQLite failures (a damaged page found late, a full disk) become the one-line error."""

    def execute(self, *args):
        try:
            return super().execute(*args)
        except sqlite3.DatabaseError as err:
            raise _translated(self.connection, err) from None

    def executemany(self, *args):
        try:
            return super().executemany(*args)
        except sqlite3.DatabaseError as err:
            raise _translated(self.connection, err) from None

    def fetchone(self):
        try:
            return super().fetchone()
        except sqlite3.DatabaseError as err:
            raise _translated(self.connection, err) from None

    def fetchall(self):
        try:
            return super().fetchall()
        except sqlite3.DatabaseError as err:
            raise _translated(self.connection, err) from None


class _Connection(sqlite3.Connection):
    """The store's connection: every statement goes through _Cursor (Connection.execute included)."""

    path: Path

    def cursor(self, factory=_Cursor):
        return super().cursor(factory)

    def execute(self, *args):
        return self.cursor().execute(*args)

    def executemany(self, *args):
        return self.cursor().executemany(*args)


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
        raise LlmprepError(
            f"progress database {path} has schema v{version}, newer than this llmprep (v{latest})",
            fix="upgrade llmprep: pip install -U llmprep",
        )
    if version < latest and version > 0:
        _backup(conn, path, version)
    for number in range(version + 1, latest + 1):
        conn.execute("BEGIN IMMEDIATE")
        try:
            # re-read under the write lock: another process may have migrated meanwhile
            if conn.execute("PRAGMA user_version").fetchone()[0] >= number:
                conn.execute("ROLLBACK")
                continue
            migration = MIGRATIONS[number - 1]
            if callable(migration):
                migration(conn, path)
            else:
                for statement in migration.split(";"):
                    if statement.strip():
                        conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {number}")
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:  # SQLite may have rolled back already (a damaged page, a full disk)
                conn.execute("ROLLBACK")
            raise
    if version < latest:
        retire_legacy_files(path)


class Store:
    """A connection to the progress database; every write is one transaction."""

    def __init__(self, conn: sqlite3.Connection, path: Path):
        self.conn = conn
        self.path = path
        self.wrote = False  # a store that was written may be copied to the backup on close

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT; any exception (Ctrl-C included) rolls back completely."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            if self.conn.in_transaction:  # SQLite may have rolled back already (a damaged page, a full disk)
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")
        self.wrote = True

    def record_attempt(
        self,
        drill_id: str,
        status: str,
        *,
        file: str | None = None,
        device: str | None = None,
        seed: int | None = None,
        duration_s: float | None = None,
        result_json: str | None = None,
        mode: str = "normal",
        hints: int = 0,
    ) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO drill_attempts (drill_id, status, file, device, seed, duration_s, result_json, created_at,"
                " mode, hints) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (drill_id, status, file, device, seed, duration_s, result_json, now_iso(), mode, hints),
            )

    def pass_kinds(self) -> dict[str, str]:
        """Per passed drill, its best pass: 'hard' (hard mode, no hints) over 'plain' over 'hints'."""
        rows = self.conn.execute(
            "SELECT drill_id, MAX(mode = 'hard' AND hints = 0), MAX(hints = 0) FROM drill_attempts"
            " WHERE status = 'pass' GROUP BY drill_id"
        ).fetchall()
        return {drill: "hard" if hard else "plain" if plain else "hints" for drill, hard, plain in rows}

    def drill_status(self) -> dict[str, str]:
        """Per drill: 'gave up' once its solution was revealed, else 'passed' if an attempt passed, else
        'attempted'; drills never tried are absent."""
        rows = self.conn.execute(
            "SELECT drill_id, MAX(status = 'gave_up'), MAX(status = 'pass') FROM drill_attempts GROUP BY drill_id"
        ).fetchall()
        return {drill: "gave up" if gave_up else "passed" if passed else "attempted" for drill, gave_up, passed in rows}

    def gave_up(self, drill_id: str) -> bool:
        """True once the drill was passed or given up: its solution may be shown."""
        row = self.conn.execute(
            "SELECT 1 FROM drill_attempts WHERE drill_id = ? AND status IN ('pass', 'gave_up') LIMIT 1", (drill_id,)
        ).fetchone()
        return row is not None

    def hint_stage(self, drill_id: str) -> int:
        """How many of the drill's hints were shown (0: none yet)."""
        row = self.conn.execute("SELECT stage FROM hint_stages WHERE drill_id = ?", (drill_id,)).fetchone()
        return row[0] if row else 0

    def set_hint_stage(self, drill_id: str, stage: int) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO hint_stages (drill_id, stage, updated_at) VALUES (?, ?, ?)"
                " ON CONFLICT (drill_id) DO UPDATE SET stage = excluded.stage, updated_at = excluded.updated_at",
                (drill_id, stage, now_iso()),
            )

    def close(self) -> None:
        """Close; a store that was written is noted as known good, and copied to the backup when it is due."""
        try:
            if self.wrote and health.backup_due(self.path):
                health.snapshot(self.conn, self.path)
        finally:
            self.conn.close()
        if self.wrote:
            health.remember(self.path)


def open_store(path: Path | None = None) -> Store:
    """Open (or create) the store; a damaged file is reported before anything is written to it."""
    path = path or paths.home_dir() / DB_NAME
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise LlmprepError(
            f"cannot create {path.parent} ({err.strerror})", fix="set LLMPREP_HOME to a writable folder"
        ) from None
    health.check(path)
    try:
        conn = sqlite3.connect(path, isolation_level=None, timeout=10, factory=_Connection)
    except sqlite3.DatabaseError as err:
        raise health.translate(path, err) or err from None
    conn.path = path
    try:
        conn.execute("PRAGMA busy_timeout = 10000")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        _migrate(conn, path)
    except sqlite3.DatabaseError as err:  # the migration backup reads every page
        conn.close()
        raise _translated(conn, err) from None
    except BaseException:
        conn.close()
        raise
    return Store(conn, path)

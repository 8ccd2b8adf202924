"""Schema migrations: migration N brings the database from version N-1 to N. Append only.

A migration is SQL, or a function given the connection (inside the migration's transaction) and
the database path, for one that moves data in from elsewhere.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Union

LEGACY_HINTS = "hints.json"  # hint stages before migration 3: {drill id: hints shown}, beside the database


def _hint_stages(conn: sqlite3.Connection, db_path: Path) -> None:
    """3: hint stages move into the database (from hints.json beside it), so they travel with an export."""
    from llmprep.store.export_format import DRILL_RE

    conn.execute("""
        CREATE TABLE hint_stages (
            drill_id TEXT PRIMARY KEY,
            stage INTEGER NOT NULL CHECK (stage >= 0),
            updated_at TEXT NOT NULL
        )""")
    legacy = db_path.parent / LEGACY_HINTS
    try:
        stages = json.loads(legacy.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # none, or unreadable: stages start again from the first hint
        return
    when = datetime.fromtimestamp(legacy.stat().st_mtime, timezone.utc).isoformat(timespec="milliseconds")
    for drill_id, stage in stages.items() if isinstance(stages, dict) else ():
        if DRILL_RE.match(drill_id) and type(stage) is int and stage >= 0:  # what an export can carry
            conn.execute("INSERT INTO hint_stages VALUES (?, ?, ?)", (drill_id, stage, when))


def retire_legacy_files(db_path: Path) -> None:
    """After the migrations commit: hints.json is kept as hints.json.migrated, and no longer read."""
    legacy = db_path.parent / LEGACY_HINTS
    try:
        legacy.replace(legacy.with_name(LEGACY_HINTS + ".migrated"))
    except OSError:
        pass


Migration = Union[str, Callable[[sqlite3.Connection, Path], None]]

MIGRATIONS: list[Migration] = [
    # 1: drill attempts, written by `llmprep grade`
    """
    CREATE TABLE drill_attempts (
        id INTEGER PRIMARY KEY,
        drill_id TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pass', 'fail', 'error', 'gave_up')),
        file TEXT,
        device TEXT,
        seed INTEGER,
        duration_s REAL,
        result_json TEXT,
        created_at TEXT NOT NULL
    );
    CREATE INDEX drill_attempts_by_drill ON drill_attempts (drill_id, created_at);
    """,
    # 2: spaced repetition. A card per question id (fsrs state as JSON, a few columns copied out
    # for queries); the review log keeps what is needed to undo a rating (the card before it).
    """
    CREATE TABLE cards (
        question_id TEXT PRIMARY KEY,
        card_json TEXT NOT NULL,
        state INTEGER NOT NULL,
        due TEXT NOT NULL,
        introduced_at TEXT NOT NULL
    );
    CREATE INDEX cards_by_due ON cards (due);
    CREATE TABLE reviews (
        id INTEGER PRIMARY KEY,
        question_id TEXT NOT NULL,
        rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
        reviewed_at TEXT NOT NULL,
        duration_ms INTEGER,
        typed_answer TEXT,
        correct INTEGER,
        qtype TEXT NOT NULL,
        cram INTEGER NOT NULL DEFAULT 0,
        card_before TEXT,
        card_after TEXT
    );
    CREATE INDEX reviews_by_time ON reviews (reviewed_at);
    CREATE INDEX reviews_by_question ON reviews (question_id);
    """,
    _hint_stages,
    # 4: cards the learner set aside: suspended (never asked) or flagged (listed for attention)
    """
    CREATE TABLE card_marks (
        question_id TEXT PRIMARY KEY,
        suspended INTEGER NOT NULL DEFAULT 0 CHECK (suspended IN (0, 1)),
        flagged INTEGER NOT NULL DEFAULT 0 CHECK (flagged IN (0, 1)),
        updated_at TEXT NOT NULL
    );
    """,
    # 5: mock interviews: the plan (question ids, follow-ups appended as they are asked) and each answer
    """
    CREATE TABLE mocks (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,
        minutes INTEGER NOT NULL CHECK (minutes > 0),
        seed INTEGER NOT NULL,
        set_name TEXT,
        plan_json TEXT NOT NULL,
        finished_at TEXT
    );
    CREATE TABLE mock_answers (
        mock_id INTEGER NOT NULL REFERENCES mocks (id),
        position INTEGER NOT NULL,
        question_id TEXT NOT NULL,
        typed TEXT,
        verdict TEXT NOT NULL CHECK (verdict IN ('correct', 'partial', 'wrong', 'skipped')),
        seconds REAL NOT NULL,
        answered_at TEXT NOT NULL,
        PRIMARY KEY (mock_id, position)
    );
    """,
    # 6: how a drill was attempted: from a hard-mode stub, and how many staged hints were shown by then
    """
    ALTER TABLE drill_attempts ADD COLUMN mode TEXT NOT NULL DEFAULT 'normal' CHECK (mode IN ('normal', 'hard'));
    ALTER TABLE drill_attempts ADD COLUMN hints INTEGER NOT NULL DEFAULT 0 CHECK (hints >= 0);
    """,
]

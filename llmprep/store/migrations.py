"""Schema migrations: migration N brings the database from version N-1 to N. Append only."""

MIGRATIONS: list[str] = [
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
]

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
]

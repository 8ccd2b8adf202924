"""Time from `llmprep quiz` to the first question, on 1000 questions with 10,000 stored reviews.

Target (issue 4): median <= 1.5x `python -c "import typer, rich.console, yaml"` in the same run.
Run: python benchmarks/quiz_benchmark.py [--runs 9]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pexpect

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _synthetic import write_bank  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
BASELINE = [sys.executable, "-c", "import typer, rich.console, yaml"]


def fill_store(home: Path, bank: Path, reviews: int) -> None:
    """Cards for 600 of the questions (half of them due) and `reviews` review rows, written in bulk."""
    env = dict(os.environ, LLMPREP_HOME=str(home), LLMPREP_BANK=str(bank))
    subprocess.run(
        [sys.executable, "-c", "from llmprep.store import open_store; open_store().close()"], env=env, check=True
    )
    ids = [
        f"{p.parent.name}/synthetic-{i}"
        for p in sorted(bank.glob("*/*.yaml"))
        for i in range(int(p.stem.split("-")[1]) * 20, int(p.stem.split("-")[1]) * 20 + 20)
    ]
    rng = random.Random(0)
    now = datetime.now(timezone.utc)
    conn = sqlite3.connect(home / "progress.sqlite3")
    with conn:
        for n, qid in enumerate(ids[:600]):
            due = now + timedelta(days=rng.uniform(-5, 5) if n % 2 else rng.uniform(1, 30))
            card = {
                "card_id": n,
                "state": 2,
                "step": None,
                "stability": 5.0,
                "difficulty": 5.0,
                "due": due.isoformat(),
                "last_review": (now - timedelta(days=3)).isoformat(),
            }
            conn.execute(
                "INSERT INTO cards VALUES (?, ?, 2, ?, ?)",
                (qid, json.dumps(card), due.strftime("%Y-%m-%dT%H:%M:%S.%fZ"), "2026-01-01T00:00:00.000000Z"),
            )
        conn.executemany(
            "INSERT INTO reviews (question_id, rating, reviewed_at, duration_ms, qtype)"
            " VALUES (?, ?, ?, 1000, 'concept')",
            [
                (ids[i % 600], rng.randint(1, 4), (now - timedelta(minutes=i)).strftime("%Y-%m-%dT%H:%M:%S.%fZ"))
                for i in range(reviews)
            ],
        )
    conn.close()


def time_to_first_question(env: dict) -> float:
    start = time.perf_counter()
    child = pexpect.spawn(sys.executable, ["-m", "llmprep", "quiz"], env=env, encoding="utf-8", timeout=60)
    child.expect(r"synthetic-\d+")
    elapsed = time.perf_counter() - start
    child.expect("> ")  # quit at the answer prompt; Ctrl-C handling is tested in tests/quiz
    child.sendline("q")
    child.expect(pexpect.EOF)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        bank = write_bank(Path(tmp) / "bank", 1000, REPO / "questions")
        home = Path(tmp) / "home"
        fill_store(home, bank, 10_000)
        env = dict(os.environ, LLMPREP_BANK=str(bank), LLMPREP_HOME=str(home), NO_COLOR="1")
        time_to_first_question(env)  # warm the bank cache and the OS file cache
        quiz = statistics.median(time_to_first_question(env) for _ in range(args.runs))
        base = []
        for _ in range(args.runs):
            start = time.perf_counter()
            subprocess.run(BASELINE, check=True)
            base.append(time.perf_counter() - start)
        baseline = statistics.median(base)
    print(f"bank: 1000 questions, store: 600 cards, 10000 reviews, runs: {args.runs}")
    print(f"baseline (import typer, rich.console, yaml): {baseline * 1000:.0f} ms")
    print(f"llmprep quiz -> first question:               {quiz * 1000:.0f} ms")
    print(f"ratio: {quiz / baseline:.2f} (target <= 1.50)")


if __name__ == "__main__":
    main()

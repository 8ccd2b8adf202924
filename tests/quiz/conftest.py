import os
import sqlite3
import sys
from pathlib import Path

import pexpect
import pytest

from tests.helpers import REPO, make_bank

QUIZ_BANK = {"attention/scaling.yaml": (REPO / "questions" / "attention" / "scaling.yaml").read_text(encoding="utf-8")}


@pytest.fixture
def quiz_env(tmp_path, llmprep_home):
    bank = make_bank(tmp_path / "questions", QUIZ_BANK)
    return {
        **os.environ,
        "LLMPREP_BANK": str(bank),
        "LLMPREP_HOME": str(llmprep_home),
        "NO_COLOR": "1",
        "COLUMNS": "120",
        "TERM": "dumb",
    }


@pytest.fixture
def spawn(quiz_env):
    children = []

    def start(*args: str) -> pexpect.spawn:
        child = pexpect.spawn(
            sys.executable,
            ["-m", "llmprep", *args],
            env=quiz_env,
            encoding="utf-8",
            timeout=30,
            cwd=str(REPO),
            dimensions=(50, 120),
        )
        children.append(child)
        return child

    yield start
    for child in children:
        child.close(force=True)


@pytest.fixture
def db(llmprep_home):
    def rows(sql: str, *args):
        conn = sqlite3.connect(Path(llmprep_home) / "progress.sqlite3")
        try:
            return conn.execute(sql, args).fetchall()
        finally:
            conn.close()

    return rows

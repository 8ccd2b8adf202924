"""A code question in the real quiz: stub written, graded through the grader, attempt recorded."""

import shutil
import sys

import pexpect
import pytest

from tests.helpers import REPO, concept, make_bank

pytestmark = pytest.mark.slow

CODE_Q = {
    **{k: v for k, v in concept("attention/implement-sdpa").items() if k != "key_points"},
    "type": "code",
    "drill": "attention",
}


@pytest.fixture
def code_env(quiz_env, tmp_path):
    bank = make_bank(tmp_path / "code-bank", {"t/code.yaml": [CODE_Q]})
    return {**quiz_env, "LLMPREP_BANK": str(bank)}


def test_code_question_writes_stub_grades_and_records(code_env, tmp_path, db):
    work = tmp_path / "work"
    work.mkdir()
    child = pexpect.spawn(
        sys.executable, ["-m", "llmprep", "quiz"], env=code_env, cwd=str(work), encoding="utf-8", timeout=120
    )
    child.expect("Write the stub to")
    child.sendline("")
    child.expect("Wrote .*attention.py")
    child.expect("press Enter to grade")
    child.sendline("")  # the untouched stub fails
    child.expect("not implemented")
    child.expect("grade again")
    shutil.copy(REPO / "solutions" / "attention" / "reference.py", work / "attention.py")
    child.sendline("")
    child.expect(r"\[Enter = 3 Good\]: ")
    child.sendline("")
    child.expect("Session: 1 rated")
    child.expect(pexpect.EOF)
    assert [row[0] for row in db("SELECT status FROM drill_attempts ORDER BY id")] == ["fail", "pass"]
    assert db("SELECT question_id, rating, correct FROM reviews") == [("attention/implement-sdpa", 3, 1)]

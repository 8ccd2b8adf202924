"""Hard mode: `start ID --hard` keeps the summary, shapes, forbidden names and signature, hides the
conventions and the worked example (`hint ID --contract` shows them); passes are recorded apart."""

import sqlite3

import pytest
from helpers import run_cli

from llmprep.drills.registry import all_drills
from llmprep.drills.stub import HARD_MARK, is_hard

DRILLS = sorted(all_drills().values(), key=lambda d: d.id)


@pytest.mark.parametrize("drill", DRILLS, ids=[d.id for d in DRILLS])
def test_a_hard_stub_hides_the_contract_but_not_the_rules(drill):
    hard, normal = drill.stub(hard=True), drill.stub()
    statement = hard.split('"""')[1]
    assert HARD_MARK in hard.splitlines()[:3] and ">>>" not in statement
    assert len(statement) < len(normal.split('"""')[1]) and f"hint {drill.id} --contract" in statement
    assert hard.split('"""', 2)[2] == normal.split('"""', 2)[2]  # the code to fill in is the same
    told = normal.split('"""')[1].lower()
    assert all(
        name.rsplit(".", 1)[-1].lower() in statement.lower()
        for name in drill.forbidden
        if name.rsplit(".", 1)[-1].lower() in told
    )  # what the normal stub forbids, the hard one does too


def test_the_traps_are_hidden():
    rmsnorm, flash = all_drills()["rmsnorm"].stub(hard=True), all_drills()["flash_attention"].stub(hard=True)
    assert "upcast" not in rmsnorm and "Start from m = -inf" not in flash and "block_size" in flash


def test_contract_shows_the_whole_statement_without_spending_a_hint():
    result = run_cli("hint", "rmsnorm", "--contract")
    assert result.returncode == 0 and ">>> norm = RMSNorm(2)" in result.stdout and "Convention" in result.stdout
    assert "hint 1/" in run_cli("hint", "rmsnorm").stdout  # the first staged hint is still the first


@pytest.mark.slow
def test_a_pass_in_hard_mode_is_recorded_and_shown_apart(tmp_path, llmprep_home):
    drill = all_drills()["softmax"]
    assert run_cli("start", "softmax", "--hard", "--dir", str(tmp_path)).returncode == 0
    path = tmp_path / "softmax.py"
    assert is_hard(str(path))
    solved = drill.reference.read_text(encoding="utf-8").replace('"""', f'{HARD_MARK}\n"""', 1)
    path.write_text(solved, encoding="utf-8")
    assert run_cli("grade", str(path), "--device", "cpu").returncode == 0
    db = sqlite3.connect(llmprep_home / "progress.sqlite3")
    assert db.execute("SELECT status, mode, hints FROM drill_attempts").fetchall() == [("pass", "hard", 0)]
    db.close()
    assert "passed · hard" in run_cli("drills").stdout

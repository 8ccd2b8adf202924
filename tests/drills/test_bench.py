"""`llmprep bench FILE`: a passing file is timed against the reference and PyTorch's kernel; a failing
one is refused in one line; a drill without bench.py names the ones that have it."""

import shutil

import pytest
from helpers import REPO, run_cli


@pytest.mark.slow
def test_a_passing_file_is_timed_against_the_reference_and_pytorch(tmp_path):
    shutil.copy(REPO / "solutions" / "softmax" / "reference.py", tmp_path / "softmax.py")
    result = run_cli("bench", str(tmp_path / "softmax.py"), "--size", "small", "--rounds", "3", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for row in ("yours", "reference", "pytorch", "× PyTorch", "GB/s"):
        assert row in result.stdout


@pytest.mark.slow
def test_a_failing_file_is_refused_and_a_drill_without_bench_is_named(tmp_path):
    shutil.copy(REPO / "tests" / "golden" / "no_scale" / "submission.py", tmp_path / "attention.py")
    failing = run_cli("bench", str(tmp_path / "attention.py"), cwd=tmp_path)
    assert failing.returncode == 1 and "bench measures correct code only" in failing.stderr
    assert len(failing.stderr.strip().splitlines()) == 1
    shutil.copy(REPO / "solutions" / "lcs" / "reference.py", tmp_path / "lcs.py")
    missing = run_cli("bench", str(tmp_path / "lcs.py"), cwd=tmp_path)
    assert missing.returncode == 2 and "has no benchmark" in missing.stderr and "softmax" in missing.stderr

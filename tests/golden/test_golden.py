"""Golden sample submissions: tests/golden/<name>/submission.py + expected.yaml, found by glob."""

import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml

from llmprep.grading import grade_file

HERE = Path(__file__).parent
FOLDERS = sorted(p.parent for p in HERE.glob("*/expected.yaml"))
EXPECTED_KEYS = {"drill", "status", "message", "diagnosis"}


def everything_said(result) -> str:
    parts = [result.message] + [c.message for c in result.cases]
    return "\n".join(parts)


def expected_of(folder: Path) -> dict:
    expected = yaml.safe_load((folder / "expected.yaml").read_text(encoding="utf-8"))
    assert set(expected) <= EXPECTED_KEYS, f"unknown keys in {folder.name}/expected.yaml"
    return expected


@pytest.fixture(scope="session")
def results():
    """Every golden graded once, a few at a time (each grading starts its own worker process)."""
    def grade(folder):
        return grade_file(folder / "submission.py", expected_of(folder)["drill"], device="cpu", seed=7,
                          case_timeout=3.0)

    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        return dict(zip(FOLDERS, pool.map(grade, FOLDERS)))


@pytest.mark.parametrize("folder", FOLDERS, ids=[f.name for f in FOLDERS])
def test_golden(folder, results):
    expected = expected_of(folder)
    result = results[folder]
    said = everything_said(result)
    assert result.status == expected["status"], said
    assert expected["message"] in said
    if "diagnosis" in expected:
        assert result.diagnosis and result.diagnosis["key"] == expected["diagnosis"], result.diagnosis


def test_there_are_goldens_for_every_required_behaviour():
    required = {"syntax_error", "missing_function", "wrong_shape", "nan_masked_rows", "inplace_mutation",
                "forbidden_direct", "forbidden_aliased", "infinite_loop", "os_exit", "alloc_20gb", "print_50mb",
                "import_reference"}
    assert required <= {f.name for f in FOLDERS}

"""Golden sample submissions: tests/golden/<name>/submission.py + expected.yaml, found by glob.

Each folder is graded for real (the learner's file in its own sandboxed process). The attack_*
folders are the attacks of issue 9: every one must fail with a clear message. A folder whose
expected.yaml has `tamper: <drill>/<file>` is graded against a copy of solutions/ in which that file
was changed on disk.
"""

import os
import shutil
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import yaml
from rich.console import Console

from llmprep.grading import grade_file, render_result

HERE = Path(__file__).parent
FOLDERS = sorted(p.parent for p in HERE.glob("*/expected.yaml"))
EXPECTED_KEYS = {"drill", "status", "message", "diagnosis", "tamper"}
PLAIN = [f for f in FOLDERS if "tamper" not in yaml.safe_load((f / "expected.yaml").read_text(encoding="utf-8"))]
TAMPERED = [f for f in FOLDERS if f not in PLAIN]

pytestmark = pytest.mark.slow


def everything_said(result) -> str:
    parts = [result.message] + [c.message for c in result.cases]
    return "\n".join(parts)


def expected_of(folder: Path) -> dict:
    expected = yaml.safe_load((folder / "expected.yaml").read_text(encoding="utf-8"))
    assert set(expected) <= EXPECTED_KEYS, f"unknown keys in {folder.name}/expected.yaml"
    return expected


def _grade(folder: Path):
    return grade_file(folder / "submission.py", expected_of(folder)["drill"], device="cpu", seed=7, case_timeout=3.0)


@pytest.fixture(scope="session")
def results():
    """Every golden graded once, a few at a time (each grading starts its own learner process)."""
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        return dict(zip(PLAIN, pool.map(_grade, PLAIN)))


def _check(folder: Path, result) -> None:
    expected = expected_of(folder)
    said = everything_said(result)
    assert result.status == expected["status"], said
    assert expected["message"] in said, said
    if "diagnosis" in expected:
        assert result.diagnosis and result.diagnosis.key == expected["diagnosis"], result.diagnosis
    console = Console(record=True, width=200, force_terminal=True, color_system=None)
    console.print(render_result(result, verbose=True))
    assert "\x1b[2J" not in console.export_text(styles=False), "a raw escape sequence reached the screen"


@pytest.mark.parametrize("folder", PLAIN, ids=[f.name for f in PLAIN])
def test_golden(folder, results):
    _check(folder, results[folder])


@pytest.mark.parametrize("folder", TAMPERED, ids=[f.name for f in TAMPERED])
def test_golden_tampered(folder, tmp_path, monkeypatch):
    from llmprep import paths

    copy = tmp_path / "solutions"
    shutil.copytree(paths.solutions_dir(), copy)
    target = copy / expected_of(folder)["tamper"]
    target.write_text(target.read_text(encoding="utf-8") + "\n# changed on disk\n", encoding="utf-8")
    monkeypatch.setattr(paths, "solutions_dir", lambda: copy)
    _check(folder, _grade(folder))


def test_there_are_goldens_for_every_required_behaviour():
    required = {
        "syntax_error",
        "missing_function",
        "wrong_shape",
        "nan_masked_rows",
        "inplace_mutation",
        "forbidden_direct",
        "forbidden_aliased",
        "infinite_loop",
        "os_exit",
        "alloc_20gb",
        "print_50mb",
        "import_reference",
    }
    attacks = {
        "attack_frame_walk",
        "attack_gc_search",
        "attack_replace_compare",
        "attack_tensor_subclass",
        "attack_forged_reply",
        "attack_fd_from_argv",
        "attack_cat_reference",
        "attack_aten_forbidden",
        "attack_wrapped_original",
        "attack_setsid_child",
        "attack_terminal_escapes",
        "attack_malformed_frame",
        "attack_reference_changed",
    }
    assert required | attacks <= {f.name for f in FOLDERS}


def test_escaped_output_is_shown_escaped(results):
    result = results[HERE / "attack_terminal_escapes"]
    assert "\\x1b[2J" in result.stdout and "\x1b" not in result.stdout
    assert "\\x07" in result.stderr and "\x1b" not in result.stderr


def test_nothing_outlives_a_grade(results):
    """attack_setsid_child left a child and a grandchild in a new session; both are gone."""
    assert results[HERE / "attack_setsid_child"].status == "fail"
    left = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if Path(f"/proc/{pid}/comm").read_text().strip() == "lp-escapee":
                left.append(pid)
        except OSError:
            pass
    assert not left, f"processes left behind by a grade: {left}"

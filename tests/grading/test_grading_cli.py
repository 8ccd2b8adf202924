"""start, grade, hint, solution and drills through the real CLI."""

import json
import subprocess
import sys

import pytest

from tests.helpers import REPO, run_cli

pytestmark = pytest.mark.slow  # every test runs the CLI in a subprocess

REFERENCE = REPO / "solutions" / "attention" / "reference.py"


def write_reference(folder, name="attention.py"):
    target = folder / name
    target.write_text("# llmprep: attention\n" + REFERENCE.read_text(encoding="utf-8"), encoding="utf-8")
    return target


def test_start_writes_the_stub_and_never_overwrites(tmp_path):
    done = run_cli("start", "attention", "--dir", str(tmp_path))
    assert done.returncode == 0, done.stderr
    stub = (tmp_path / "attention.py").read_text()
    assert stub.startswith("# llmprep: attention\n")
    assert "def scaled_dot_product_attention(q, k, v, mask=None):" in stub
    assert "raise NotImplementedError" in stub and "llmprep: solution" not in stub
    assert "Example:" in stub  # the docstring: task, shapes, example
    (tmp_path / "attention.py").write_text("my work")
    again = run_cli("start", "attention", "--dir", str(tmp_path))
    assert again.returncode == 1 and "already exists" in again.stderr and "--force" in again.stderr
    assert (tmp_path / "attention.py").read_text() == "my work"
    forced = run_cli("start", "attention", "--dir", str(tmp_path), "--force")
    assert forced.returncode == 0
    assert (tmp_path / "attention.py.bak").read_text() == "my work"
    assert (tmp_path / "attention.py").read_text() == stub


@pytest.mark.parametrize(
    "args, message",
    [
        (["start", "atention"], "no drill with id 'atention' (fix: did you mean attention"),
        (["grade", "nowhere.py"], "no file nowhere.py"),
        (["grade", "x.py", "--drill", "nope"], "no drill with id 'nope'"),
        (["hint", "nope"], "no drill with id 'nope'"),
    ],
    ids=["start-unknown", "grade-missing-file", "grade-unknown-drill", "hint-unknown"],
)
def test_usage_errors_exit_2_without_traceback(tmp_path, args, message):
    (tmp_path / "x.py").write_text("pass\n")
    done = run_cli(*args, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_grade_pass_json_and_seed_replay(tmp_path):
    write_reference(tmp_path)
    done = run_cli("grade", "attention.py", "--json", "--seed", "11", "--device", "cpu", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads(done.stdout)
    assert result["version"] == 2 and result["status"] == "pass" and result["seed"] == 11 and result["replay"]
    assert result["device"] == "cpu"
    case = result["cases"][0]
    assert {"name", "status", "message", "max_abs_err", "seed", "duration_s"} <= set(case)
    assert {c["dtype"] for c in result["cases"]} == {"float32", "float64", "bfloat16", "float16"}  # half on CPU too


def test_grade_failure_prints_seed_and_replays_it(tmp_path):
    (tmp_path / "attention.py").write_text((REPO / "tests/golden/no_scale/submission.py").read_text())
    first = run_cli("grade", "attention.py", "--device", "cpu", cwd=tmp_path)
    assert first.returncode == 1
    seed = first.stdout.split("base seed ")[1].split()[0]
    assert f"llmprep grade attention.py --seed {seed}" in first.stdout
    assert "Likely mistake: forgot the 1/sqrt(d_k) scale" in first.stdout
    replay = [
        json.loads(run_cli("grade", "attention.py", "--seed", seed, "--json", cwd=tmp_path).stdout) for _ in range(2)
    ]
    strip = lambda r: [(c["name"], c["dtype"], c["status"], c["message"]) for c in r["cases"]]  # noqa: E731
    assert strip(replay[0]) == strip(replay[1])


def test_drill_comes_from_the_header_then_the_stem(tmp_path):
    write_reference(tmp_path, "my_try.py")
    assert run_cli("grade", "my_try.py", cwd=tmp_path).returncode == 0
    plain = tmp_path / "other.py"
    plain.write_text(REFERENCE.read_text())
    done = run_cli("grade", "other.py", cwd=tmp_path)
    assert done.returncode == 2 and "no drill with id 'other'" in done.stderr


def test_solution_only_after_pass_or_giving_up(tmp_path, llmprep_home):
    env = {"LLMPREP_HOME": str(llmprep_home)}
    refused = run_cli("solution", "softmax", input="no\n", env=env)
    assert refused.returncode == 1 and "stays hidden" in refused.stderr
    assert "amax" not in refused.stdout
    given_up = run_cli("solution", "softmax", input="I give up\n", env=env)
    assert given_up.returncode == 0 and "amax" in given_up.stdout
    assert run_cli("solution", "softmax", env=env).returncode == 0  # recorded: no second prompt
    from llmprep.store import open_store

    store = open_store(llmprep_home / "progress.sqlite3")
    rows = store.conn.execute("SELECT status FROM drill_attempts WHERE drill_id = 'softmax'").fetchall()
    store.close()
    assert rows == [("gave_up",)]
    write_reference(tmp_path)
    assert run_cli("grade", "attention.py", cwd=tmp_path, env=env).returncode == 0
    shown = run_cli("solution", "attention", env=env)
    assert shown.returncode == 0 and "masked_fill" in shown.stdout


def test_hints_are_staged(llmprep_home):
    env = {"LLMPREP_HOME": str(llmprep_home)}
    first = run_cli("hint", "attention", env=env).stdout
    assert "hint 1/3" in first and "hint 2/3" not in first
    second = run_cli("hint", "attention", env=env).stdout
    assert "hint 2/3" in second
    run_cli("hint", "attention", env=env)
    last = run_cli("hint", "attention", env=env).stdout
    assert "hint 3/3" in last and "last hint" in last
    assert "hint 1/3" in run_cli("hint", "attention", "--reset", env=env).stdout


def test_drills_table_shows_status(tmp_path, llmprep_home):
    env = {"LLMPREP_HOME": str(llmprep_home)}
    write_reference(tmp_path)
    run_cli("grade", "attention.py", cwd=tmp_path, env=env)
    table = run_cli("drills", env=env).stdout
    line = next(row for row in table.splitlines() if row.startswith("attention "))
    assert "passed" in line
    assert "new" in next(row for row in table.splitlines() if row.startswith("softmax "))


def test_listing_and_starting_do_not_import_torch():
    code = (
        "import sys; from llmprep.cli import app; import llmprep.grading; "
        "from llmprep.drills.registry import all_drills; all_drills(); "
        "from llmprep.grading import runner, grader, report; "
        "assert 'torch' not in sys.modules, 'torch imported'"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_torch_loads_only_when_a_file_is_graded(tmp_path):
    """The trusted side computes the reference, so grading imports torch; rendering a result does not
    (the learner's file runs in another process: tests/grading/test_boundary.py)."""
    write_reference(tmp_path)
    done = run_cli("grade", "attention.py", "--json", "--device", "cpu", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    (tmp_path / "result.json").write_text(done.stdout)
    code = (
        "import sys; from pathlib import Path; from llmprep.grading import render_result; "
        "from llmprep.grading.result import GradeResult; "
        "r = GradeResult.from_json(Path('result.json').read_text()); render_result(r); "
        "assert r.status == 'pass' and 'torch' not in sys.modules, 'torch imported'"
    )
    rendered = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert rendered.returncode == 0, rendered.stderr

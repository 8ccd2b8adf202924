"""A plain (non-editable) wheel carries the bank and the references and works from any folder."""

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from tests.helpers import REPO

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp / "dist"), str(REPO)],
        check=True,
        capture_output=True,
    )
    wheel = next((tmp / "dist").glob("llmprep-*.whl"))
    venv = tmp / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # the dependencies (torch among them) come from this interpreter; llmprep itself only from the wheel
    (Path(site) / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    subprocess.run([str(python), "-m", "pip", "install", "-q", "--no-deps", "--no-index", str(wheel)], check=True)
    return wheel, venv


def run_venv(venv, *args, cwd):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "LLMPREP_BANK")}
    return subprocess.run([str(venv / "bin" / "llmprep"), *args], capture_output=True, text=True, cwd=cwd, env=env)


def test_wheel_holds_data_inside_the_package(installed):
    wheel, _ = installed
    names = zipfile.ZipFile(wheel).namelist()
    assert "llmprep/_data/questions/taxonomy.yaml" in names
    assert any(n.startswith("llmprep/_data/questions/") and n.count("/") >= 4 for n in names)
    assert "llmprep/_data/answers/concept-t5-1.yaml" in names  # the judge's reviewed examples
    assert not any(n.startswith(("solutions/", "questions/", "answers/")) or "heldout" in n for n in names)


def test_installed_cli_lists_and_shows_from_any_folder(installed, tmp_path):
    _, venv = installed
    listed = run_venv(venv, "list", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    assert "attention/why-scale-by-sqrt-dk" in listed.stdout
    shown = run_venv(venv, "show", "attention/why-scale-by-sqrt-dk", "--answer", "--lang", "zh", cwd=tmp_path)
    assert shown.returncode == 0, shown.stderr
    assert "方差" in shown.stdout


def test_installed_judge_reads_its_shipped_examples(installed, tmp_path):
    _, venv = installed
    code = "from llmprep.quiz.examples import load_examples; print(len(load_examples().by_question))"
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "LLMPREP_BANK")}
    env["LLMPREP_HOME"] = str(tmp_path / "home")
    out = subprocess.run(
        [str(venv / "bin" / "python"), "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env
    )
    assert out.returncode == 0 and int(out.stdout) >= 391, out.stderr


def test_references_are_not_a_top_level_package(installed, tmp_path):
    _, venv = installed
    probe = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import solutions"], capture_output=True, text=True, cwd=tmp_path
    )
    assert probe.returncode != 0 and "No module named 'solutions'" in probe.stderr


def test_installed_start_and_grade(installed, tmp_path):
    _, venv = installed
    started = run_venv(venv, "start", "softmax", cwd=tmp_path)
    assert started.returncode == 0, started.stderr
    stub = run_venv(venv, "grade", "softmax.py", "--device", "cpu", cwd=tmp_path)
    assert stub.returncode == 1 and "not implemented" in stub.stdout + stub.stderr
    site = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import llmprep, os; print(os.path.dirname(llmprep.__file__))"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    ).stdout.strip()
    reference = Path(site) / "_data" / "solutions" / "softmax" / "reference.py"
    (tmp_path / "softmax.py").write_text(reference.read_text(encoding="utf-8"), encoding="utf-8")
    graded = run_venv(venv, "grade", "softmax.py", "--device", "cpu", cwd=tmp_path)
    assert graded.returncode == 0, graded.stdout + graded.stderr

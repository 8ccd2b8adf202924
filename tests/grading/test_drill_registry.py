"""Every drill, found by glob, proven by the self-check: the reference passes its own grader,
the fresh stub fails as "not implemented", and every known mistake is rejected and named."""

import os
from concurrent.futures import ThreadPoolExecutor

import pytest

from llmprep.drills.check import static_problems
from llmprep.drills.stub import make_stub
from tests.grading.conftest import _PROBLEMS, DRILL_IDS, DRILLS
from tests.helpers import run_cli


def test_every_drill_folder_loads():
    assert not _PROBLEMS, "\n".join(map(str, _PROBLEMS))
    assert len(DRILL_IDS) >= 5


@pytest.mark.parametrize("drill_id", DRILL_IDS)
def test_static(drill_id):
    problems = static_problems(DRILLS[drill_id])
    assert not problems, "\n".join(map(str, problems))


def test_the_checksum_manifest_is_current():
    from llmprep.drills.check import manifest_problems

    assert not manifest_problems(), "run `llmprep dev manifest`"


@pytest.mark.slow
@pytest.mark.parametrize("drill_id", DRILL_IDS)
def test_reference_stub_and_mistakes(drill_id, selfcheck_results):
    assert not selfcheck_results.get(drill_id), "\n".join(selfcheck_results[drill_id])


@pytest.fixture(scope="session")
def stub_runs(tmp_path_factory):
    """`llmprep grade` of every drill's fresh stub, run a few at a time (each one starts torch)."""
    folder = tmp_path_factory.mktemp("stubs")
    for drill_id in DRILL_IDS:
        stub = make_stub(drill_id, DRILLS[drill_id].reference.read_text(encoding="utf-8"))
        (folder / f"{drill_id}.py").write_text(stub, encoding="utf-8")
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        # one replayed seed: a stub fails on any seed (the standard grade runs two)
        runs = pool.map(lambda i: run_cli("grade", f"{i}.py", "--device", "cpu", "--seed", "1", cwd=folder), DRILL_IDS)
        return dict(zip(DRILL_IDS, runs))


@pytest.mark.slow
@pytest.mark.parametrize("drill_id", DRILL_IDS)
def test_fresh_stub_fails_not_implemented_through_the_cli(drill_id, stub_runs):
    done = stub_runs[drill_id]
    assert done.returncode == 1, done.stdout + done.stderr
    assert "not implemented" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr

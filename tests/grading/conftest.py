import pytest

from llmprep.drills.registry import check_drills

DRILLS, _PROBLEMS = check_drills()
DRILL_IDS = sorted(DRILLS)


@pytest.fixture(scope="session")
def selfcheck_results():
    """One self-check of every drill (two worker processes), shared by the parametrized tests."""
    from llmprep.drills.check import selfcheck

    problems, _, _ = selfcheck([DRILLS[i] for i in DRILL_IDS], workers=2)
    by_drill: dict[str, list[str]] = {}
    for problem in problems:
        by_drill.setdefault(problem.qid or "?", []).append(str(problem))
    return by_drill

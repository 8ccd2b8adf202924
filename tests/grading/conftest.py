import pytest

from llmprep.drills.registry import check_drills

DRILLS, _PROBLEMS = check_drills()
DRILL_IDS = sorted(DRILLS)


@pytest.fixture(scope="session")
def selfcheck_results():
    """One self-check of every drill on 5 seeds (two worker processes), shared by the parametrized tests."""
    from llmprep.grading.selfcheck import selfcheck

    return {report.id: report.problems for report in selfcheck(DRILL_IDS, workers=2) if report.problems}

"""The own-words rule: nothing in the project is copied from the seed documents."""

import subprocess
import sys

import pytest

from tests.helpers import REPO

TOOL = REPO.parent / "shared" / "tools" / "own_words.py"


@pytest.mark.skipif(not TOOL.is_file(), reason="../shared/tools/own_words.py is not beside this checkout")
def test_no_copied_runs_from_the_seeds():
    result = subprocess.run(
        [sys.executable, str(TOOL), "questions", "answers", "solutions", "llmprep", "tests", "benchmarks"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout[-3000:]

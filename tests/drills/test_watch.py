"""`llmprep watch FILE` in a real pseudo-terminal: grades at start and on each save (inotify and the
polling fallback), Ctrl-C prints the summary."""

import os
import sys
import time

import pexpect
import pytest

from llmprep.drills.registry import all_drills


@pytest.mark.slow
@pytest.mark.parametrize("poll", [False, True], ids=["inotify", "polling"])
def test_watch_regrades_on_save_and_summarises_on_ctrl_c(tmp_path, llmprep_home, poll):
    drill = all_drills()["softmax"]
    path = tmp_path / "softmax.py"
    path.write_text(drill.stub(), encoding="utf-8")
    env = {**os.environ, "LLMPREP_HOME": str(llmprep_home), "NO_COLOR": "1", "TERM": "dumb", "COLUMNS": "120"}
    args = ["-m", "llmprep", "watch", str(path), "--device", "cpu"] + (["--poll"] if poll else [])
    child = pexpect.spawn(sys.executable, args, env=env, encoding="utf-8", timeout=90, cwd=str(tmp_path))
    try:
        child.expect("FAIL softmax")
        child.expect("not implemented")
        time.sleep(0.5)
        path.write_text(drill.reference.read_text(encoding="utf-8"), encoding="utf-8")
        child.expect("PASS softmax")
        child.sendintr()
        child.expect(r"2 grade\(s\), 1 passed")
        child.expect(pexpect.EOF)
    finally:
        child.close(force=True)

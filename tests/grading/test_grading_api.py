"""The import-light API the quiz uses: grade_file -> GradeResult, record_result, render_result."""

import json

import pytest
from rich.console import Console

from llmprep.grading import grade_file, record_result, render_result
from llmprep.grading.result import GradeResult
from llmprep.store import open_store
from tests.helpers import REPO

pytestmark = pytest.mark.slow  # every grade starts a learner's process


def test_grade_record_and_render(tmp_path, llmprep_home):
    target = tmp_path / "softmax.py"
    target.write_text((REPO / "solutions" / "softmax" / "reference.py").read_text())
    result = grade_file(target, device="cpu")  # the standard grade (a replayed --seed is never recorded as a pass)
    assert result.status == "pass" and result.passed and len(result.seeds) >= 2 and result.drill == "softmax"
    data = json.loads(result.to_json())
    assert data["version"] == 2 and GradeResult.from_dict(data) == result
    record_result(result)
    store = open_store()
    try:
        assert store.drill_status() == {"softmax": "passed"}
        (stored,) = store.conn.execute("SELECT result_json FROM drill_attempts").fetchone()
    finally:
        store.close()
    assert json.loads(stored)["status"] == "pass"
    console = Console(record=True, width=100)
    console.print(render_result(result))
    assert "PASS" in console.export_text()


def test_failure_json_has_no_infinities(tmp_path):
    target = tmp_path / "reward_loss.py"
    target.write_text(
        "import torch\n\ndef pairwise_reward_loss(chosen_rewards, rejected_rewards):\n"
        "    return -torch.log(torch.sigmoid(chosen_rewards - rejected_rewards)).mean()\n"
    )
    result = grade_file(target, device="cpu", seed=5)
    assert result.status == "fail"
    assert result.diagnosis.key == "naive"
    json.loads(result.to_json(), parse_constant=lambda name: (_ for _ in ()).throw(ValueError(name)))


def test_a_drill_file_may_import_a_sibling_drill_file(tmp_path):
    (tmp_path / "attention.py").write_text((REPO / "solutions" / "attention" / "reference.py").read_text())
    (tmp_path / "softmax.py").write_text(
        "from attention import scaled_dot_product_attention  # a sibling file, found after torch and the stdlib\n"
        "import torch\n\n"
        "def softmax(x, dim=-1):\n"
        "    e = (x - x.amax(dim=dim, keepdim=True)).exp()\n"
        "    return e / e.sum(dim=dim, keepdim=True)\n"
    )
    assert grade_file(tmp_path / "softmax.py", device="cpu", seed=1).status == "pass"

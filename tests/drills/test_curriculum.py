"""drill.yaml `prerequisites`: optional, must name drills, must not loop."""

import shutil

from llmprep import paths
from llmprep.drills.registry import check_drills


def _copy(tmp_path, *ids):
    root = tmp_path / "solutions"
    for drill_id in ids:
        shutil.copytree(paths.solutions_dir() / drill_id, root / drill_id)
    return root


def _set_prerequisites(root, drill_id, names):
    path = root / drill_id / "drill.yaml"
    path.write_text(path.read_text(encoding="utf-8") + f"prerequisites: [{', '.join(names)}]\n", encoding="utf-8")


def test_prerequisites_are_read(tmp_path):
    root = _copy(tmp_path, "softmax", "attention")
    _set_prerequisites(root, "attention", ["softmax"])
    drills, problems = check_drills(root)
    assert not problems and drills["attention"].prerequisites == ("softmax",) and drills["softmax"].prerequisites == ()


def test_unknown_prerequisite_is_named_with_a_suggestion(tmp_path):
    root = _copy(tmp_path, "softmax", "attention")
    _set_prerequisites(root, "attention", ["softmx"])
    _, problems = check_drills(root)
    assert (
        len(problems) == 1
        and "prerequisite 'softmx' is not a drill" in str(problems[0])
        and "softmax" in str(problems[0])
    )


def test_a_cycle_is_a_problem(tmp_path):
    root = _copy(tmp_path, "softmax", "attention")
    _set_prerequisites(root, "attention", ["softmax"])
    _set_prerequisites(root, "softmax", ["attention"])
    _, problems = check_drills(root)
    assert any("lead back to itself" in str(p) for p in problems)

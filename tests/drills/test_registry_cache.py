"""The drill registry is cached like the bank: used while no drill.yaml changed, rebuilt when one did,
never written when a drill is invalid."""

import os
import shutil
import time

import pytest

from llmprep import paths
from llmprep.drills.registry import DrillError, all_drills
from tests.helpers import REPO


@pytest.fixture
def solutions(tmp_path, monkeypatch):
    root = tmp_path / "solutions"
    shutil.copytree(REPO / "solutions" / "softmax", root / "softmax")
    monkeypatch.setattr(paths, "solutions_dir", lambda: root)
    return root


def _touch(path):
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 10**9))


def test_the_cache_is_used_until_a_drill_changes(solutions):
    first = all_drills()
    assert list(first) == ["softmax"] and all_drills() == first
    drill_yaml = solutions / "softmax" / "drill.yaml"
    drill_yaml.write_text(drill_yaml.read_text(encoding="utf-8").replace("Numerically stable softmax", "Edited"))
    _touch(drill_yaml)
    assert all_drills()["softmax"].title.en == "Edited"
    shutil.copytree(solutions / "softmax", solutions / "softmax_copy")
    (solutions / "softmax_copy" / "drill.yaml").write_text(
        drill_yaml.read_text(encoding="utf-8").replace("id: softmax", "id: softmax_copy"), encoding="utf-8"
    )
    assert sorted(all_drills()) == ["softmax", "softmax_copy"]


def test_an_invalid_drill_is_never_cached(solutions):
    all_drills()
    drill_yaml = solutions / "softmax" / "drill.yaml"
    drill_yaml.write_text(drill_yaml.read_text(encoding="utf-8") + "unknown_key: 1\n", encoding="utf-8")
    _touch(drill_yaml)
    for _ in range(2):
        with pytest.raises(DrillError):
            all_drills()

"""The strict drill.yaml loader: unknown keys, bad values and missing files name file:line and the fix."""

import shutil

import pytest
import yaml

from llmprep.drills.registry import load_drill, read_drill
from llmprep.errors import UsageError
from llmprep.yamlnode import Invalid
from tests.helpers import REPO

TOPICS = {"attention", "alignment"}


def drill_folder(tmp_path, **changes):
    folder = tmp_path / "solutions" / "attention"
    shutil.copytree(REPO / "solutions" / "attention", folder)
    data = yaml.safe_load((folder / "drill.yaml").read_text(encoding="utf-8"))
    for key, value in changes.items():
        if value is None:
            data.pop(key)
        else:
            data[key] = value
    (folder / "drill.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder / "drill.yaml"


def problem(path):
    with pytest.raises(Invalid) as info:
        read_drill(path, TOPICS)
    return info.value.problem


def test_the_real_drill_loads(tmp_path):
    drill = read_drill(drill_folder(tmp_path), TOPICS)
    assert drill.entry == "scaled_dot_product_attention" and drill.tolerance["float32"] == (1e-5, 1e-6)


@pytest.mark.parametrize(
    "changes, message, fix",
    [
        ({"tolerence": {}}, "unknown key 'tolerence' in drill.yaml", "did you mean 'tolerance'?"),
        ({"kind": "fn"}, "unknown kind 'fn'", "function"),
        ({"id": "attn"}, "differs from its folder", "id: attention"),
        ({"dtypes": ["float32", "float8"]}, "unknown dtype 'float8'", ""),
        ({"tolerance": {"float32": {"rtol": 1e-5, "atol": 1e-6}}}, "no tolerance for dtype float64", "add `float64"),
        ({"grad": "yes please"}, "grad must be true or false", ""),
        ({"hints": None}, "drill.yaml lacks hints", "add 'hints'"),
        ({"forbidden": ["softmax"]}, "is not a dotted torch name", ""),
        ({"signature": "attention(q, k, v)"}, "signature does not start with", ""),
    ],
    ids=["unknown-key", "kind", "id", "dtype", "tolerance", "grad", "missing", "forbidden", "signature"],
)
def test_problems_name_file_line_and_fix(tmp_path, changes, message, fix):
    found = problem(drill_folder(tmp_path, **changes))
    assert found.file == "solutions/attention/drill.yaml" and found.line >= 1
    assert message in found.message and fix in found.fix


def test_missing_cases_file(tmp_path):
    path = drill_folder(tmp_path)
    (path.parent / "cases.py").unlink()
    assert "has no cases.py" in problem(path).message


def test_unknown_drill_is_a_usage_error_with_suggestions():
    with pytest.raises(UsageError, match="did you mean softmax"):
        load_drill("sofmax")

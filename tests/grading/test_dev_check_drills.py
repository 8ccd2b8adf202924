"""The drills part of `dev check` catches broken drills: markers, signatures, a reference that
uses a forbidden API, a wrong docstring example, a mistake that no case catches, a mistake
diagnosed as another."""

import shutil

import pytest

from llmprep.drills import manifest
from llmprep.drills.check import static_problems
from llmprep.drills.registry import read_drill
from llmprep.grading.selfcheck import check_drill
from tests.helpers import REPO, run_cli


def copy_drill(tmp_path, drill_id="softmax"):
    folder = tmp_path / "solutions" / drill_id
    shutil.copytree(REPO / "solutions" / drill_id, folder)
    return folder


def load(folder):
    """The drill as its author left it: the manifest is rewritten (dev check's own test says when it is stale)."""
    (folder.parent / manifest.MANIFEST).write_text(manifest.build(folder.parent))
    return read_drill(folder / "drill.yaml", {"attention", "alignment", "mha-mqa-gqa"})


def test_unbalanced_markers_and_forbidden_use_in_the_reference(tmp_path):
    folder = copy_drill(tmp_path)
    source = (folder / "reference.py").read_text()
    (folder / "reference.py").write_text(
        source.replace("    # llmprep: solution end\n", "    return torch.softmax(x, dim)\n")
    )
    messages = [p.message for p in static_problems(load(folder))]
    assert any(m.startswith("the reference uses forbidden torch.") and m.endswith("softmax") for m in messages)
    assert any("solution region never closed" in m for m in messages)


def test_signature_must_match_the_reference(tmp_path):
    folder = copy_drill(tmp_path)
    yaml_text = (
        (folder / "drill.yaml").read_text().replace('signature: "softmax(x, dim=-1)', 'signature: "softmax(x, axis=-1)')
    )
    (folder / "drill.yaml").write_text(yaml_text)
    (problem,) = static_problems(load(folder))
    assert "signature names (x, axis) differ from the reference's (x, dim)" in problem.message


def test_selfcheck_reports_weak_cases_and_misnamed_mistakes(tmp_path):
    folder = copy_drill(tmp_path)
    cases = (folder / "cases.py").read_text()
    cases = cases.replace(
        "        return ref.softmax(x, dim=-1)\n", "        return ref.softmax(x, dim=dim)\n"
    )  # = reference
    cases = cases.replace('"sums_everything",', '"unstable_again",').replace("sums_everything,\n", "unstable,\n")
    (folder / "cases.py").write_text(cases)
    reference = (folder / "reference.py").read_text().replace("[0.5000, 0.5000, 0.0000]", "[0.4000, 0.6000, 0.0000]")
    (folder / "reference.py").write_text(reference)
    messages = "\n".join(check_drill(load(folder)).problems)
    assert "the docstring example `softmax(x, dim=-1)` prints" in messages
    assert "weak case: mistake 'ignores_dim' passes every case on seed(s) 0, 1, 2, 3, 4 of 5" in messages
    assert "mistake 'unstable_again' is rejected but diagnosed as 'unstable'" in messages


@pytest.mark.slow
def test_dev_check_reports_drills():
    done = run_cli("dev", "check", timeout=300)
    assert "drills: " in done.stdout and "mistakes named" in done.stdout
    assert "[attention]" not in done.stderr and "[softmax]" not in done.stderr


def test_selfcheck_requires_a_worked_example(tmp_path):
    folder = copy_drill(tmp_path)
    reference = (folder / "reference.py").read_text()
    docstring_end = reference.index('"""', 3)
    start = reference.index(">>>")
    (folder / "reference.py").write_text(reference[:start] + reference[docstring_end:])
    assert ">>>" not in (folder / "reference.py").read_text()
    assert any("has no `>>>` worked example" in p for p in check_drill(load(folder)).problems)


def test_selfcheck_names_a_mistake_caught_on_some_seeds_only(tmp_path):
    """A mistake that only the random cases catch, and only for some seeds, is a weak case naming the seeds."""
    folder = copy_drill(tmp_path)
    cases = (folder / "cases.py").read_text()
    cases += """

def _sometimes(x, dim=-1):
    out = ref_softmax(x, dim)
    return out + 1.0 if x.shape == (4, 7) and float(x[0, 0]) > 1.0 else out


_listed = mistakes


def mistakes(ref):
    global ref_softmax
    ref_softmax = ref.softmax
    return _listed(ref) + [Mistake("sometimes", "wrong for some (4, 7) inputs", _sometimes)]
"""
    (folder / "cases.py").write_text(cases)
    problems = "\n".join(check_drill(load(folder)).problems)
    assert "weak case: mistake 'sometimes' passes every case on seed(s)" in problems, problems


def test_manifest_problem_when_a_reference_changes(tmp_path):
    from llmprep.drills.check import manifest_problems

    folder = copy_drill(tmp_path)
    load(folder)
    assert manifest_problems(folder.parent) == []
    (folder / "reference.py").write_text((folder / "reference.py").read_text() + "\n# edited\n")
    (problem,) = manifest_problems(folder.parent)
    assert "not current" in problem.message and "llmprep dev manifest" in problem.fix

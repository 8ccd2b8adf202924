"""solutions/coverage.yaml: every code snippet of the seed documents maps to drills or has a reason."""

from pathlib import Path

import pytest
import yaml

from llmprep.drills import drill_ids
from llmprep.paths import solutions_dir

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT.parent / "shared" / "seeds"
MAP = yaml.safe_load((solutions_dir() / "coverage.yaml").read_text(encoding="utf-8"))
ENTRIES = [(seed["file"], snippet) for seed in MAP["seeds"] for snippet in seed["snippets"]]


def fence_lines(text: str) -> list[int]:
    """1-based lines that open a code block: ```lang always opens, a bare ``` toggles."""
    opened, inside = [], False
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        mark = line.strip()
        if not mark.startswith("```"):
            continue
        if mark[3:].strip() or not inside:
            # skip a bare fence that opens nothing but the end of the file
            if any(rest.strip() for rest in lines[number:]):
                opened.append(number)
            inside = True
        else:
            inside = False
    return opened


def test_map_format():
    assert MAP["version"] == 1
    assert len(MAP["seeds"]) == 5
    for file, snippet in ENTRIES:
        where = f"{file}:{snippet.get('line')}"
        assert set(snippet) <= {"line", "heading", "what", "drills", "none", "bug"}, where
        assert isinstance(snippet["line"], int) and snippet["what"].strip(), where
        assert ("drills" in snippet) != ("none" in snippet), f"{where}: give exactly one of drills / none"
        if "drills" in snippet:
            assert snippet["drills"] and all(isinstance(d, str) for d in snippet["drills"]), where
        else:
            assert len(snippet["none"].strip()) >= 8, f"{where}: a reason is needed"


@pytest.mark.parametrize("file,snippet", ENTRIES, ids=[f"{f}:{s['line']}" for f, s in ENTRIES])
def test_every_mapped_drill_exists(file, snippet):
    missing = set(snippet.get("drills", [])) - drill_ids()
    assert not missing, f"{file}:{snippet['line']} names drills without a folder: {sorted(missing)}"


def test_lines_are_unique_per_seed():
    for seed in MAP["seeds"]:
        lines = [s["line"] for s in seed["snippets"]]
        assert len(lines) == len(set(lines)), seed["file"]


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed documents are not beside the checkout")
@pytest.mark.parametrize("seed", MAP["seeds"], ids=[s["file"] for s in MAP["seeds"]])
def test_every_snippet_of_every_seed_is_mapped(seed):
    text = (SEEDS / seed["file"]).read_text(encoding="utf-8")
    mapped = {s["line"] for s in seed["snippets"]}
    fences = fence_lines(text)
    if not fences:  # a document without fences: entries point at the first line of a formula or def
        lines = text.splitlines()
        for line in mapped:
            assert 1 <= line <= len(lines) and lines[line - 1].strip(), f"{seed['file']}:{line} is empty"
        return
    assert sorted(mapped) == fences, (
        f"{seed['file']}: unmapped code blocks at lines {sorted(set(fences) - mapped)}; "
        f"entries that are not code blocks: {sorted(mapped - set(fences))}"
    )


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed documents are not beside the checkout")
def test_every_seed_document_is_in_the_map():
    assert {p.name for p in SEEDS.glob("*.txt")} == {s["file"] for s in MAP["seeds"]}


def test_drill_sources_name_a_mapped_seed():
    """A drill's `source:` names one of the mapped seed files (or is `original`)."""
    files = {s["file"] for s in MAP["seeds"]}
    for drill_yaml in sorted(solutions_dir().glob("*/drill.yaml")):
        source = yaml.safe_load(drill_yaml.read_text(encoding="utf-8")).get("source")
        assert source == "original" or source.get("file") in files, f"{drill_yaml.parent.name}: source {source!r}"

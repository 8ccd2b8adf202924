"""The shipped bank: valid, bilingual, large enough, every seed heading covered, numbers recomputed."""

import importlib.util
import re
from pathlib import Path

import pytest
import yaml

from llmprep.bank.balance import measure
from llmprep.bank.loader import check_bank
from llmprep.bank.schema import DIFFICULTIES, SEED_FILES
from llmprep.drills import drill_ids
from tests.helpers import REPO

QUESTIONS = REPO / "questions"
RECOMPUTE_DIR = Path(__file__).parent / "recompute"
SEEDS = REPO.parent / "shared" / "seeds"
_MARKUP = re.compile(r"^[#*>\s-]+")  # Markdown heading, bold and list marks before a heading's text
_NUMBER = re.compile(r"(?<![\w.])\d[\d,_]*(?:\.\d+)?(?:[eE][+-]?\d+)?")


@pytest.fixture(scope="module")
def bank():
    bank, problems = check_bank(QUESTIONS, drill_ids())
    assert not problems, "\n".join(map(str, problems[:20]))
    return bank


def recompute_table() -> dict:
    table = {}
    for path in sorted(RECOMPUTE_DIR.glob("*.py")):
        spec = importlib.util.spec_from_file_location(f"recompute_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        overlap = table.keys() & module.RECOMPUTE.keys()
        assert not overlap, f"{path.name} recomputes {overlap} again"
        table.update(module.RECOMPUTE)
    return table


def test_bank_is_large_and_balanced(bank):
    """Issue 11: >= 1000 questions, every topic >= 30, >= 35% machine-checked, >= 15% senior and >= 7%
    expert, and no choice letter or option length that gives the answer away (run with -s to see)."""
    balance = measure(bank)
    print(balance.summary())
    assert not balance.problems(), "\n".join(balance.problems())
    assert set(q.difficulty for q in bank.questions.values()) == set(DIFFICULTIES)


def test_a_guesser_by_length_or_letter_is_caught():
    """The balance check itself: a bank whose answer is always the longest option B is refused."""
    from llmprep.bank.balance import Balance

    skewed = Balance(
        1000,
        {"t": 30},
        0.4,
        {"senior": 0.2, "expert": 0.1},
        dict(A=0.1, B=0.6, C=0.15, D=0.15),
        {"en": 0.6, "zh": 0.2},
        {"en": 0.1, "zh": 0.1},
    )
    problems = " ".join(skewed.problems())
    assert (
        "letter is skewed" in problems
        and "'B': '60%'" in problems
        and "longest option is the answer in 60% of en" in problems
    )
    assert "zh" not in problems


def test_every_numeric_answer_is_recomputed_from_its_prompt(bank):
    table = recompute_table()
    numeric = [q for q in bank.questions.values() if q.type == "numeric"]
    missing = [q.id for q in numeric if q.id not in table]
    assert not missing, f"no recomputation in tests/bank/recompute for: {missing}"
    stale = set(table) - {q.id for q in numeric}
    assert not stale, f"recomputations for questions that are not numeric: {stale}"
    for q in numeric:
        inputs = dict(q.inputs)
        stated = {float(n.replace(",", "").replace("_", "")) for n in _NUMBER.findall(q.prompt.en)}
        unstated = {k: v for k, v in inputs.items() if v not in stated}
        assert not unstated, f"{q.id}: inputs {unstated} do not appear in the English prompt"
        got = table[q.id](inputs)
        assert q.tolerance.accepts(got, q.value), f"{q.id}: recomputed {got}, the bank says {q.value}"


def coverage_maps():
    return sorted(QUESTIONS.glob("coverage-*.yaml"))


def test_every_seed_has_a_coverage_map():
    """Headings are short prefixes of seed lines: long quotes of the seeds would break the own-words rule."""
    seeds = {yaml.safe_load(p.read_text(encoding="utf-8"))["seed"] for p in coverage_maps()}
    assert seeds == set(SEED_FILES)


@pytest.mark.parametrize("path", coverage_maps(), ids=lambda p: p.name)
@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed documents (../shared/seeds) are not beside this checkout")
def test_every_seed_heading_is_covered(bank, path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert set(data) == {"version", "seed", "headings"} and data["version"] == 1
    seed_lines = [
        " ".join(_MARKUP.sub("", line).split())
        for line in (SEEDS / data["seed"]).read_text(encoding="utf-8").splitlines()
    ]
    for entry in data["headings"]:
        heading, ids = entry["heading"], entry["questions"]
        assert any(line.startswith(heading) for line in seed_lines), (
            f"{heading!r} does not start a line of {data['seed']}"
        )
        assert ids, f"{path.name}: heading {heading!r} is not covered by any question"
        for qid in ids:
            assert qid in bank.questions, f"{path.name}: {qid} does not exist"
            assert bank.questions[qid].source.file == data["seed"], f"{qid} does not cite {data['seed']}"

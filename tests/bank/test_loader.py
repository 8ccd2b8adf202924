"""The strict loader: each kind of bad input gives one line with file:line, the id and the fix."""

import os
import time

import pytest

from llmprep.bank import load_bank
from llmprep.bank.loader import BankError, check_bank
from tests.helpers import concept, make_bank, run_cli

GOOD = [concept("attention/a"), concept("attention/b", follow_ups=["attention/a"])]


def problems_of(tmp_path, files, drills=frozenset()):
    bank, problems = check_bank(make_bank(tmp_path / "questions", files), set(drills))
    return [str(p) for p in problems]


def test_good_bank_loads(tmp_path):
    bank, problems = check_bank(make_bank(tmp_path / "questions", {"t/a.yaml": GOOD}), set())
    assert problems == []
    assert sorted(bank.questions) == ["attention/a", "attention/b"]
    assert bank.questions["attention/b"].follow_ups == ("attention/a",)
    assert bank.questions["attention/a"].line == 3


BAD = {
    "malformed-yaml": ("version: 1\nquestions:\n  - id: x/y\n    prompt: [unclosed\n", "a.yaml:", "malformed YAML"),
    "unknown-key": (
        [concept("attention/a", anwser={"en": "x", "zh": "y"})],
        "a.yaml:19: [attention/a] unknown key 'anwser'",
        "did you mean 'answer'",
    ),
    "missing-field": (
        [{k: v for k, v in concept("attention/a").items() if k != "answer"}],
        "a.yaml:3: [attention/a]",
        "add 'answer'",
    ),
    "wrong-type": (
        [concept("attention/a", difficulty=3)],
        "[attention/a] difficulty must be a non-empty string",
        "quote it",
    ),
    "bad-enum": ([concept("attention/a", difficulty="senor")], "unknown difficulty 'senor'", "did you mean 'senior'"),
    "bad-id": ([concept("Attention A")], "is not a slug", "lower-case"),
    "other-type-key": (
        [concept("attention/a", choices=[{"en": "x", "zh": "y"}])],
        "key 'choices' belongs to type 'choice'",
        "type: choice",
    ),
    "missing-zh": ([concept("attention/a", prompt={"en": "Only English?"})], "prompt lacks zh", "add 'zh'"),
    "v1-keywords": (
        [concept("attention/a", key_points=[{"en": "p", "zh": "p", "keywords": ["x"]}])],
        "unknown key 'keywords' in a key point",
        "requires",
    ),
    "split-flow-list": (
        [concept("attention/a", key_points=[{"en": "p", "zh": "p", "requires": ["max(0", "x)"]}])],
        "unbalanced brackets",
        "`- item` lines",
    ),
    "empty-phrase": (
        [concept("attention/a", key_points=[{"en": "p", "zh": "p", "requires": ["a || b"]}])],
        "empty phrase",
        "stray",
    ),
    "short-wildcard": (
        [concept("attention/a", key_points=[{"en": "p", "zh": "p", "requires": ["gr*"]}])],
        "misuses '*'",
        "3+ letters",
    ),
    "no-essential-point": (
        [concept("attention/a", key_points=[{"en": "p", "zh": "p", "requires": ["x"], "essential": False}])],
        "no key point is essential",
        "essential",
    ),
    "essential-not-bool": (
        [concept("attention/a", key_points=[{"en": "p", "zh": "p", "requires": ["x"], "essential": "no"}])],
        "essential must be true or false",
        "essential: false",
    ),
    "wrong-version": ("version: 1\nquestions: []\n", "a.yaml:1:", "version: 2"),
    "dangling-follow-up": (
        [concept("attention/a", follow_ups=["attention/nope"])],
        "follow-up 'attention/nope' is not a question id",
        "did you mean 'attention/a'",
    ),
    "dangling-drill": (
        [
            {
                **{k: v for k, v in concept("attention/a").items() if k != "key_points"},
                "type": "code",
                "drill": "atention",
            }
        ],
        "drill 'atention' does not exist",
        "did you mean 'attention'",
    ),
}


@pytest.mark.parametrize("content, where, fix", BAD.values(), ids=BAD.keys())
def test_bad_input_names_file_line_and_fix(tmp_path, content, where, fix):
    problems = problems_of(tmp_path, {"t/a.yaml": content}, drills={"attention"})
    assert len(problems) == 1, problems
    assert where in problems[0] and fix in problems[0]
    assert problems[0].startswith("questions/t/a.yaml:")


def test_duplicate_id_names_both_places(tmp_path):
    problems = problems_of(tmp_path, {"t/a.yaml": GOOD, "t/b.yaml": [concept("attention/a")]})
    assert problems == [
        "questions/t/b.yaml:3: [attention/a] duplicate id, first defined at questions/t/a.yaml:3 "
        "(fix: give this question a new id (ids never change once published))"
    ]


def test_duplicate_key_is_an_error(tmp_path):
    text = "version: 1\nversion: 1\nquestions: []\n"
    assert "duplicate key 'version'" in problems_of(tmp_path, {"t/a.yaml": text})[0]


@pytest.mark.parametrize(
    "content", [BAD["malformed-yaml"][0], [concept("attention/a", anwser="x")]], ids=["malformed", "unknown-key"]
)
def test_cli_prints_one_line_and_exit_1(tmp_path, content):
    bank = make_bank(tmp_path / "questions", {"t/a.yaml": content})
    result = run_cli("list", env={"LLMPREP_BANK": str(bank)})
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("llmprep: error: questions/t/a.yaml:")
    assert "Traceback" not in result.stderr


def test_verbose_shows_the_traceback(tmp_path):
    bank = make_bank(tmp_path / "questions", {"t/a.yaml": [concept("attention/a", anwser="x")]})
    result = run_cli("--verbose", "list", env={"LLMPREP_BANK": str(bank)})
    assert result.returncode == 1 and "Traceback" in result.stderr


class TestCache:
    def test_cache_is_used_and_invalidated_by_edits(self, tmp_path, monkeypatch):
        bank_root = make_bank(tmp_path / "questions", {"t/a.yaml": GOOD})
        monkeypatch.setenv("LLMPREP_BANK", str(bank_root))
        first = load_bank()
        assert load_bank() == first
        # edit a question: same file, new text -> new content
        path = bank_root / "t" / "a.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("Prompt of attention/a?", "Edited?"), encoding="utf-8")
        os.utime(path, ns=(time.time_ns(), time.time_ns() + 10**9))
        assert load_bank().questions["attention/a"].prompt.en == "Edited?"
        # add a file, then remove it
        make_bank(bank_root, {"t/b.yaml": [concept("attention/c")]})
        assert "attention/c" in load_bank().questions
        (bank_root / "t" / "b.yaml").unlink()
        assert "attention/c" not in load_bank().questions

    def test_the_outline_lists_the_same_questions_without_answers_and_follows_edits(self, tmp_path, monkeypatch):
        bank_root = make_bank(tmp_path / "questions", {"t/a.yaml": GOOD})
        monkeypatch.setenv("LLMPREP_BANK", str(bank_root))
        full = load_bank()
        for _ in range(2):  # built from the full bank, then read from its own cache
            outline = load_bank(outline=True)
            assert outline.topics == full.topics
            for qid, q in full.questions.items():
                kept = outline.questions[qid]
                assert (kept.sets, kept.topic, kept.difficulty, kept.type, kept.prompt) == (
                    q.sets,
                    q.topic,
                    q.difficulty,
                    q.type,
                    q.prompt,
                )
                assert kept.answer.en == "" and kept.key_points == ()
        path = bank_root / "t" / "a.yaml"
        path.write_text(path.read_text(encoding="utf-8").replace("Prompt of attention/a?", "Edited?"), encoding="utf-8")
        os.utime(path, ns=(time.time_ns(), time.time_ns() + 10**9))
        assert load_bank(outline=True).questions["attention/a"].prompt.en == "Edited?"

    def test_invalid_bank_is_never_cached(self, tmp_path, monkeypatch):
        bank_root = make_bank(tmp_path / "questions", {"t/a.yaml": [concept("attention/a", anwser="x")]})
        monkeypatch.setenv("LLMPREP_BANK", str(bank_root))
        for outline in (False, True, False, True):
            with pytest.raises(BankError):
                load_bank(outline=outline)

    def test_corrupt_cache_file_is_ignored(self, tmp_path, monkeypatch, llmprep_home):
        bank_root = make_bank(tmp_path / "questions", {"t/a.yaml": GOOD})
        monkeypatch.setenv("LLMPREP_BANK", str(bank_root))
        load_bank()
        for cached in (llmprep_home / "cache").glob("bank-*.pickle"):
            cached.write_bytes(b"\x80\x05garbage")
        assert sorted(load_bank().questions) == ["attention/a", "attention/b"]

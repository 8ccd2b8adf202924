"""`llmprep check ID ANSWER`: the quiz's judge from the command line, exit codes, --json, no progress touched."""

import json
import subprocess
import sys

import pytest

from llmprep.quiz.judge import judge
from tests.helpers import REPO, concept, make_bank, run_cli

CONCEPT, CHOICE, NUMERIC = (
    "attention/why-scale-by-sqrt-dk",
    "attention/scale-choice-quiz",
    "attention/kv-cache-bytes-7b",
)
CODE_Q = {
    **{k: v for k, v in concept("attention/implement-sdpa").items() if k != "key_points"},
    "type": "code",
    "drill": "attention",
}


@pytest.fixture
def env(tmp_path, llmprep_home):
    scaling = (REPO / "questions" / "attention" / "scaling.yaml").read_text(encoding="utf-8")
    bank = make_bank(tmp_path / "questions", {"attention/scaling.yaml": scaling, "t/code.yaml": [CODE_Q]})
    return {"LLMPREP_BANK": str(bank), "LLMPREP_HOME": str(llmprep_home)}


@pytest.mark.parametrize(
    "qid, answer, code, verdict",
    [
        (CHOICE, "b", 0, "correct"),
        (CHOICE, "c", 1, "wrong"),
        (NUMERIC, "2 GiB", 0, "correct"),
        (NUMERIC, "2048 MiB", 0, "correct"),
        (NUMERIC, "4", 1, "wrong"),
    ],
    ids=["choice-right", "choice-wrong", "numeric-right", "numeric-other-unit", "numeric-wrong"],
)
def test_exit_code_follows_the_verdict(env, qid, answer, code, verdict):
    result = run_cli("check", qid, answer, env=env)
    assert result.returncode == code, result.stderr
    assert result.stdout.splitlines()[0].split() == [qid, verdict]


def test_json_shape_per_type(env):
    choice = json.loads(run_cli("check", CHOICE, "c", "--json", env=env).stdout)
    assert list(choice) == ["version", "id", "type", "verdict", "suggested_rating", "message"]
    assert choice["version"] == 1 and choice["id"] == CHOICE and choice["type"] == "choice"
    assert choice["verdict"] == "wrong" and choice["suggested_rating"] in (1, 2, 3, 4)
    number = json.loads(run_cli("check", NUMERIC, "2048 MiB", "--json", env=env).stdout)
    assert number["verdict"] == "correct" and number["parsed"] == pytest.approx(2.0)
    result = run_cli("check", CONCEPT, "The dot product variance grows with d_k.", "--json", env=env)
    text = json.loads(result.stdout)
    assert text["type"] == "concept" and text["verdict"] in ("correct", "partial", "wrong")
    assert result.returncode == (0 if text["verdict"] == "correct" else 1)
    assert text["points"] and all({"text", "hit"} <= set(p) for p in text["points"])


def test_check_and_the_quiz_share_one_judge(env, monkeypatch):
    """The same verdict as judge() called directly, as the quiz calls it."""
    from llmprep.bank import load_bank

    monkeypatch.setenv("LLMPREP_BANK", env["LLMPREP_BANK"])
    bank = load_bank()
    for qid, answer in ((CHOICE, "a b"), (NUMERIC, "3 GiB"), (CONCEPT, "softmax saturates when logits are large")):
        for lang in ("en", "zh"):
            expected = judge(bank.questions[qid], answer, lang).to_dict(bank.questions[qid])
            got = json.loads(run_cli("check", qid, answer, "--json", "--lang", lang, env=env).stdout)
            assert got == expected


def test_text_output_lists_the_points_in_chinese(env):
    result = run_cli("check", CONCEPT, "点积的方差随 d_k 线性增长", "--lang", "zh", env=env)
    assert result.returncode in (0, 1)
    lines = result.stdout.splitlines()
    assert lines[0].split()[0] == CONCEPT and lines[0].split()[1] in ("正确", "部分正确", "错误")
    assert "你的回答涉及的要点：" in result.stdout
    assert sum(line.strip()[:1] in "✓✗⚠" for line in lines) == 3  # one line per key point


@pytest.mark.parametrize(
    "args, message",
    [
        (["attention/why-scale-sqrt", "x"], "did you mean `llmprep check attention/why-scale-by-sqrt-dk ...`"),
        (["attention/implement-sdpa", "x"], "is a code question"),
        ([CHOICE, "z"], "is not an answer to attention/scale-choice-quiz: answer with letters A-D"),
        ([NUMERIC, "lots"], "is not an answer to attention/kv-cache-bytes-7b"),
        ([CONCEPT, "  "], "the answer is empty"),
        ([CHOICE, ""], "the answer is empty"),
        ([CHOICE], "Missing argument 'ANSWER'"),
    ],
    ids=["unknown-id", "code", "bad-letter", "not-a-number", "blank-concept", "empty-choice", "missing"],
)
def test_bad_usage_exits_2_with_one_line(env, args, message):
    result = run_cli("check", *args, env=env)
    assert result.returncode == 2
    assert message in result.stderr
    if args[1:]:
        assert len(result.stderr.strip().splitlines()) == 1 and result.stderr.startswith("llmprep: error: ")


def test_check_never_opens_the_progress_store(env, llmprep_home):
    db = llmprep_home / "progress.sqlite3"
    run_cli("check", CHOICE, "b", env=env)
    assert not db.exists()
    run_cli("stats", env=env)  # now a store exists; check leaves it byte for byte
    before = db.read_bytes()
    for args in ((CHOICE, "c"), (NUMERIC, "2"), (CONCEPT, "variance")):
        run_cli("check", *args, "--json", env=env)
    assert db.read_bytes() == before
    assert sorted(p.name for p in llmprep_home.iterdir() if p.name.startswith("progress")) == ["progress.sqlite3"]


def test_check_never_imports_torch(env):
    import os

    probe = (
        "import sys\nfrom llmprep.cli.app import main\n"
        f"try:\n    main(['check', {CHOICE!r}, 'b'])\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        "print('TORCH' if 'torch' in sys.modules else 'NO-TORCH', file=sys.stderr)"
    )
    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env={**os.environ, **env})
    assert result.stderr.strip().splitlines()[-1] == "NO-TORCH", result.stderr

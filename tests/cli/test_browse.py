"""list, show, sets, topics and --lang through the real CLI; none of them imports torch."""

import subprocess
import sys

import pytest

from tests.helpers import concept, make_bank, run_cli

QUESTIONS = [
    concept("attention/alpha", difficulty="junior"),
    concept("attention/beta", set=["qwen-rlhf", "extended"], follow_ups=["attention/alpha"]),
    {
        **{k: v for k, v in concept("normalization/gamma", topic="normalization").items() if k != "key_points"},
        "type": "choice",
        "choices": [{"en": "One", "zh": "一"}, {"en": "Two", "zh": "二"}],
        "correct": "B",
        "explanation": {"en": "Two is right.", "zh": "二是对的。"},
    },
]


@pytest.fixture
def bank_env(tmp_path):
    return {"LLMPREP_BANK": str(make_bank(tmp_path / "questions", {"t/a.yaml": QUESTIONS}))}


def test_list_filters(bank_env):
    everything = run_cli("list", env=bank_env)
    assert everything.returncode == 0 and "3 questions" in everything.stdout
    by_set = run_cli("list", "--set", "qwen-rlhf", env=bank_env).stdout
    assert "1 questions" in by_set and "attention/beta" in by_set and "attention/alpha" not in by_set
    by_type = run_cli("list", "--type", "choice", "--topic", "normalization", env=bank_env).stdout
    assert "normalization/gamma" in by_type and "attention/" not in by_type
    assert "attention/alpha" in run_cli("list", "--difficulty", "junior", env=bank_env).stdout


def test_list_in_chinese(bank_env):
    assert "attention/alpha 的问题" in run_cli("list", "--lang", "zh", env=bank_env).stdout
    assert "attention/alpha 的问题" in run_cli("list", env={**bank_env, "LLMPREP_LANG": "zh"}).stdout


@pytest.mark.parametrize(
    "args, message",
    [
        (["list", "--set", "qwen"], "unknown set 'qwen' (fix: did you mean `--set qwen-rlhf`?)"),
        (["list", "--lang", "fr"], "unknown language 'fr'"),
        (["show", "attention/alpah"], "did you mean `llmprep show attention/alpha`"),
    ],
    ids=["set", "lang", "show"],
)
def test_usage_errors_exit_2_with_one_line(bank_env, args, message):
    result = run_cli(*args, env=bank_env)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"llmprep: error: {result.stderr.strip()[len('llmprep: error: ') :]}"]
    assert message in result.stderr


def test_bad_option_is_exit_2(bank_env):
    assert run_cli("list", "--nope", env=bank_env).returncode == 2


def test_show_question_and_answer(bank_env):
    result = run_cli("show", "normalization/gamma", "--answer", "--lang", "zh", env=bank_env)
    assert result.returncode == 0
    assert "normalization/gamma 的问题" in result.stdout and "B. 二" in result.stdout
    assert "正确答案：B" in result.stdout and "二是对的" in result.stdout
    hidden = run_cli("show", "attention/beta", env=bank_env).stdout
    assert "Prompt of attention/beta" in hidden and "An answer" not in hidden
    shown = run_cli("--lang", "en", "show", "attention/beta", "--answer", env=bank_env).stdout
    assert "An answer" in shown and "A point." in shown and "attention/alpha" in shown


def test_sets_and_topics_count(bank_env):
    sets = run_cli("sets", env=bank_env).stdout
    assert any(line.split()[:2] == ["extended", "3"] for line in sets.splitlines())
    assert any(line.split()[:2] == ["qwen-rlhf", "1"] for line in sets.splitlines())
    topics = run_cli("topics", env=bank_env).stdout
    assert any(line.split()[:1] == ["attention"] and " 2 " in line for line in topics.splitlines())


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["list"],
        ["show", "attention/alpha", "--answer"],
        ["sets"],
        ["topics"],
        ["search", "prompt"],
        ["next"],
        [],
    ],
    ids=["help", "list", "show", "sets", "topics", "search", "next", "bare"],
)
def test_browsing_never_imports_torch(bank_env, args):
    probe = (
        "import sys\nfrom llmprep.cli.app import main\n"
        f"try:\n    main({args!r})\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        "print('TORCH' if 'torch' in sys.modules else 'NO-TORCH', file=sys.stderr)"
    )
    import os

    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env={**os.environ, **bank_env}
    )
    assert result.stderr.strip().splitlines()[-1] == "NO-TORCH", result.stderr

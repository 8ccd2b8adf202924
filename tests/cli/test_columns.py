"""Columns align by display width (a Chinese character takes two cells): `list` and `stats --lang zh`."""

import re

from rich.cells import cell_len

from tests.helpers import concept, make_bank, run_cli

QUESTIONS = [
    concept("attention/short", prompt={"en": "Short?", "zh": "注意力为什么要缩放？"}),
    concept(
        "normalization/a-much-longer-question-id",
        topic="normalization",
        difficulty="expert",
        prompt={"en": "Longer?", "zh": "层归一化与 RMSNorm 的区别是什么？"},
    ),
    {
        **{k: v for k, v in concept("attention/pick").items() if k != "key_points"},
        "type": "choice",
        "choices": [{"en": "One", "zh": "一"}, {"en": "Two", "zh": "二"}],
        "correct": "B",
        "explanation": {"en": "Two.", "zh": "二。"},
        "prompt": {"en": "Pick?", "zh": "选哪个？"},
    },
    concept("alignment/dpo", topic="alignment"),
    concept("mha-mqa-gqa/gqa", topic="mha-mqa-gqa"),
]


def column_of(line: str, text: str, after: int = 0) -> int:
    """The display column where `text` starts, searching from character `after`."""
    return cell_len(line[: line.index(text, after)])


def test_list_columns_align_in_chinese(tmp_path):
    env = {"LLMPREP_BANK": str(make_bank(tmp_path / "q", {"t/a.yaml": QUESTIONS}))}
    out = run_cli("list", "--lang", "zh", env=env).stdout.splitlines()
    assert out[0] == "共 5 题"
    header, rows = out[1], out[2:]
    assert header.split() == ["题号", "类型", "难度", "主题", "题目"]
    starts = {column_of(header, "题目")}
    for q, row in zip(sorted(QUESTIONS, key=lambda q: q["id"]), rows):
        starts.add(column_of(row, q["prompt"]["zh"], len(q["id"])))
    assert len(starts) == 1, out
    topics = {column_of(header, "主题")} | {
        column_of(row, q["topic"], len(q["id"])) for q, row in zip(sorted(QUESTIONS, key=lambda q: q["id"]), rows)
    }
    assert len(topics) == 1, out


def test_stats_topics_align_in_chinese(tmp_path):
    env = {"LLMPREP_BANK": str(make_bank(tmp_path / "q", {"t/a.yaml": QUESTIONS}))}
    out = run_cli("stats", "--lang", "zh", env=env).stdout
    assert "卡片  新题 5 · 学习中 0 · 复习中 0" in out and "各主题掌握度" in out and "最近 12 周" in out
    bars = [line for line in out.splitlines() if re.search(r"[█·]{20}", line)]
    assert len(bars) == 4 and any("对齐（奖励模型、PPO、DPO、GRPO）" in line for line in bars)  # the real taxonomy
    assert len({column_of(line, re.search(r"[█·]{20}", line).group(0)) for line in bars}) == 1, bars

"""`llmprep stats`: progress at a glance (labels in --lang), or as JSON."""

from typing import Annotated

import typer

from llmprep.cli.options import Lang, resolve_lang

SHADES = " ░▒▓█"
TOPIC_WIDTH = 34  # display cells: a Chinese character takes two
LABELS = {
    "en": {
        "cards": "Cards",
        "new": "new",
        "learning": "learning",
        "review": "review",
        "due": "due today",
        "streak": "streak",
        "days": "day(s)",
        "reviews": "reviews",
        "next14": "Next 14 days",
        "mastery": "Mastery per topic",
        "mastery_note": "(mean recall probability)",
        "accuracy": "Accuracy",
        "weeks": "Last 12 weeks",
        "weekdays": ("Mon", "", "Wed", "", "Fri", "", "Sun"),
        "drills": "Drills passed",
        "sep": ", ",
        "leeches": "Leeches (failed 8+ times)",
        "flagged": "Flagged",
        "suspended": "Suspended",
        "leech_fix": "rewrite your notes on them, or `llmprep suspend ID`",
    },
    "zh": {
        "cards": "卡片",
        "new": "新题",
        "learning": "学习中",
        "review": "复习中",
        "due": "今日到期",
        "streak": "连续学习",
        "days": "天",
        "reviews": "复习总数",
        "next14": "未来 14 天",
        "mastery": "各主题掌握度",
        "mastery_note": "（平均回忆概率）",
        "accuracy": "正确率",
        "weeks": "最近 12 周",
        "weekdays": ("周一", "", "周三", "", "周五", "", "周日"),
        "drills": "已通过的练习",
        "sep": "，",
        "leeches": "顽固卡（答错 8 次以上）",
        "flagged": "已标记",
        "suspended": "已暂停",
        "leech_fix": "重新整理笔记，或 `llmprep suspend ID`",
    },
}


def _bar(share: float, width: int = 20) -> str:
    filled = round(share * width)
    return "█" * filled + "·" * (width - filled)


def fit(text: str, width: int) -> str:
    """`text` padded or cut to exactly `width` display cells, so that columns align in Chinese too."""
    from rich.cells import cell_len, set_cell_size

    return set_cell_size(text, width - 1) + "…" if cell_len(text) > width else set_cell_size(text, width)


def command(
    as_json: Annotated[bool, typer.Option("--json", help="Print the numbers as JSON.")] = False, lang: Lang = None
) -> None:
    """Show progress: card counts, forecast, mastery per topic, accuracy, streak, calendar."""
    import json
    from datetime import date, timedelta

    from rich.cells import cell_len
    from rich.console import Console
    from rich.markup import escape

    from llmprep.bank import load_bank
    from llmprep.config import load_config
    from llmprep.labels import type_name
    from llmprep.quiz.schedule import make_scheduler
    from llmprep.quiz.session import utcnow
    from llmprep.quiz.stats import compute
    from llmprep.store import open_store

    lang = resolve_lang(lang)
    bank = load_bank()
    store = open_store()
    data = compute(bank, store, make_scheduler(load_config().desired_retention), utcnow())
    store.close()
    if as_json:
        typer.echo(json.dumps(data, indent=2, ensure_ascii=False))
        return
    t = LABELS[lang]
    out = Console(highlight=False)
    c = data["cards"]
    out.print(
        f"[bold]{t['cards']}[/]  {t['new']} {c['new']} · {t['learning']} {c['learning']} · {t['review']} {c['review']}"
        f"   [bold]{t['due']}[/] {data['due_today']}   [bold]{t['streak']}[/] {data['streak_days']} {t['days']}"
        f"   [bold]{t['reviews']}[/] {data['reviews_total']}"
    )
    out.print(f"[bold]{t['next14']}[/]  " + " ".join(str(n) for n in data["forecast_14d"]))
    out.print(f"[bold]{t['mastery']}[/] {t['mastery_note']}")
    for topic, share in data["mastery"].items():
        name = bank.topics[topic].name.get(lang) if topic in bank.topics else topic
        out.print(f"  {escape(fit(name, TOPIC_WIDTH))} {_bar(share)} {share:>4.0%}")
    if data["accuracy"]:
        out.print(
            f"[bold]{t['accuracy']}[/]  "
            + t["sep"].join(f"{type_name(k, lang)} {v['correct']}/{v['checked']}" for k, v in data["accuracy"].items())
        )
    out.print(f"[bold]{t['weeks']}[/]")
    days = list(data["calendar"].items())
    top = max([n for _, n in days] + [1])
    first = date.fromisoformat(days[0][0])
    pad = first.weekday()  # rows are Monday..Sunday
    cells = [None] * pad + [n for _, n in days]
    label_width = max(cell_len(name) for name in t["weekdays"])
    for row, name in enumerate(t["weekdays"]):
        line = "".join(" " if n is None else SHADES[min(4, -(-4 * n // top))] for n in cells[row::7])
        out.print(f"  {fit(name, label_width)} [green]{line}[/]")
    out.print(f"  {first:%Y-%m-%d} → {first + timedelta(days=len(days) - 1):%Y-%m-%d}")
    passed = data["drills_passed"]
    out.print(f"[bold]{t['drills']}[/]  {len(passed)}" + (f": {', '.join(passed)}" if passed else ""))
    if data["leeches"]:
        out.print(
            f"[bold]{t['leeches']}[/]  "
            + t["sep"].join(f"{x['id']} ×{x['lapses']}" for x in data["leeches"])
            + f"  [dim]({escape(t['leech_fix'])})[/]"
        )
    for mark in ("flagged", "suspended"):
        if data[mark]:
            out.print(f"[bold]{t[mark]}[/]  {len(data[mark])}: " + t["sep"].join(data[mark]))

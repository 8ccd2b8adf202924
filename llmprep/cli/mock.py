"""`llmprep mock`: a timed mock interview, saved as you answer; `--resume`, `--history`."""

from typing import Annotated, Optional

import typer

from llmprep.cli.filters import SetOpt, check_value
from llmprep.cli.options import Lang, resolve_lang
from llmprep.errors import UsageError


def command(
    minutes: Annotated[int, typer.Option("--minutes", min=1, max=240, help="Time for the whole interview.")] = 45,
    set_: SetOpt = None,
    seed: Annotated[
        Optional[int], typer.Option("--seed", help="Replay the same questions (printed at the start).")
    ] = None,
    resume: Annotated[bool, typer.Option("--resume", help="Continue the last unfinished mock.")] = False,
    history: Annotated[bool, typer.Option("--history", help="List past mocks and their scores.")] = False,
    lang: Lang = None,
) -> None:
    """A timed mock interview: 4 concept questions, 1 numeric, 1 drill; follow-ups when a point is missed."""
    import random

    from rich.console import Console
    from rich.text import Text

    from llmprep.bank import load_bank
    from llmprep.bank.schema import SETS
    from llmprep.quiz.session import Quit
    from llmprep.store import open_store
    from llmprep.study import mock as mocks
    from llmprep.study.mock_run import run

    lang = resolve_lang(lang)
    zh = lang == "zh"
    bank = load_bank()
    check_value("--set", set_, SETS)
    console = Console(highlight=False)
    store = open_store()
    try:
        if history:
            _history(console, mocks.load_all(store), zh)
            return
        if resume:
            mock = mocks.unfinished(store)
            if mock is None:
                raise UsageError("no unfinished mock interview to resume", fix="start one with `llmprep mock`")
        else:
            seed = seed if seed is not None else random.randrange(10**6)
            plan = mocks.make_plan(bank, set_, seed)
            if not plan:
                raise UsageError(f"set {set_!r} has no questions for a mock", fix="try another --set")
            mock = mocks.start(store, minutes=minutes, seed=seed, set_name=set_, plan=plan)
        console.print(
            Text(
                (
                    f"模拟面试 #{mock.id}：{len(mock.plan)} 题，{mock.minutes} 分钟（种子 {mock.seed}）。"
                    "答案随答随存；q 或 Ctrl-C 暂停，`llmprep mock --resume` 继续。"
                )
                if zh
                else (
                    f"Mock interview #{mock.id}: {len(mock.plan)} questions, {mock.minutes} minutes (seed "
                    f"{mock.seed}). Answers are saved as you give them; q or Ctrl-C pauses, "
                    "`llmprep mock --resume` continues."
                ),
                style="bold",
            )
        )
        try:
            run(bank, store, mock, lang=lang, console=console)
        except (Quit, KeyboardInterrupt):  # Ctrl-C between two prompts pauses too
            console.print(
                Text(
                    f"已暂停：已保存 {len(mock.answers)} 个答案。继续：llmprep mock --resume"
                    if zh
                    else f"Paused with {len(mock.answers)} answer(s) saved. Continue: llmprep mock --resume",
                    style="yellow",
                )
            )
            return
        _report(console, bank, mock, zh)
    finally:
        store.close()


def _report(console, bank, mock, zh: bool) -> None:
    from rich.table import Table

    from llmprep.study import mock as mocks
    from llmprep.study.mock_run import clock

    table = Table(title="报告" if zh else "Report", title_justify="left", box=None, pad_edge=False)
    for name in ("#", "题号", "主题", "结果", "用时") if zh else ("#", "question", "topic", "verdict", "time"):
        table.add_column(name, no_wrap=True)
    for a in sorted(mock.answers, key=lambda a: a.position):
        topic = bank.questions[a.question_id].topic if a.question_id in bank.questions else "?"
        table.add_row(str(a.position + 1), a.question_id, topic, a.verdict, clock(a.seconds))
    console.print(table)
    for topic, (points, n) in mocks.by_topic(mock, bank).items():
        console.print(f"  {topic:<26} {points:g}/{n}")
    console.print(
        f"[bold]{'得分' if zh else 'Score'}[/] {mocks.score(mock):.0%} · "
        f"{'用时' if zh else 'time'} {clock(mock.seconds_used)} / {mock.minutes:02d}:00"
    )
    review = mocks.to_review(mock, bank)
    if review:
        console.print(("需要复习：" if zh else "To review: ") + "llmprep quiz " + " ".join(f"--id {q}" for q in review))


def _history(console, all_mocks, zh: bool) -> None:
    from llmprep.study import mock as mocks

    if not all_mocks:
        console.print("还没有模拟面试记录。" if zh else "No mock interviews yet: `llmprep mock`.")
        return
    for m in all_mocks:
        state = ("完成" if zh else "finished") if m.finished_at else ("未完成" if zh else "unfinished")
        console.print(
            f"#{m.id}  {m.started_at.astimezone():%Y-%m-%d %H:%M}  {m.minutes} min  "
            f"{len(m.answers)}/{len(m.plan)}  {mocks.score(m):.0%}  {state}  seed {m.seed}"
            + (f"  --set {m.set_name}" if m.set_name else "")
        )

"""The interactive part of a mock interview: ask each planned question against the clock, save each
answer as it is given, ask a follow-up after a concept answer that is not correct."""

from __future__ import annotations

import time

from rich.console import Console
from rich.rule import Rule
from rich.text import Text

from llmprep import render
from llmprep.bank.schema import Bank
from llmprep.quiz.session import Command, Graded, Session
from llmprep.store.db import Store
from llmprep.study import mock as mocks


def clock(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


def run(bank: Bank, store: Store, mock: mocks.Mock, *, lang: str, console: Console) -> None:
    """Ask until the plan is done or the time is up, then mark the mock finished. Quit (q, Ctrl-C, end of
    input) propagates, with every answer given so far already saved."""
    asker = Session(store, None, [], lang=lang, console=console)  # its prompts, hints and judging; no ratings
    zh = lang == "zh"
    while (position := mock.next_position()) is not None:
        if mock.seconds_left <= 0:
            console.print(Text("时间到。" if zh else "Time is up.", style="bold yellow"))
            break
        q = bank.questions.get(mock.plan[position])
        if q is None:  # removed from the bank since the plan was made
            mocks.save_answer(store, mock, mocks.Answer(position, mock.plan[position], None, "skipped", 0.0), mock.plan)
            continue
        left = f"剩余 {clock(mock.seconds_left)}" if zh else f"{clock(mock.seconds_left)} left"
        console.print(Rule(f"{position + 1}/{len(mock.plan)} · ⏱ {left}"))
        console.print(render.header(q, lang))
        console.print(render.prompt(q, lang))
        shown = time.monotonic()
        try:
            graded = asker.answer(q)
        except Command as cmd:
            if cmd.key == "u":
                console.print(
                    Text("模拟面试不能撤销。" if zh else "There is no undo in a mock interview.", style="yellow")
                )
                continue
            graded = Graded(None, None)
        verdict = graded.verdict.verdict if graded.verdict else "skipped"
        plan = list(mock.plan)
        extra = mocks.follow_up(bank, q, plan) if q.type == "concept" and verdict != "correct" else None
        if extra:
            plan.insert(position + 1, extra)
        mocks.save_answer(
            store, mock, mocks.Answer(position, q.id, graded.typed, verdict, time.monotonic() - shown), plan
        )
        if graded.verdict is not None:
            console.print(render.verdict_message(graded.verdict))
        if extra:
            console.print(Text("面试官追问了一题。" if zh else "The interviewer asks a follow-up.", style="magenta"))
    mocks.finish(store, mock)

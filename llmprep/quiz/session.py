"""The interactive quiz: ask, check, reveal, rate (fsrs), and save each rating in one transaction.

Keys at any prompt: `s` skips, `u` undoes the last rating, `?` shows help, `q` quits; Ctrl-C and
end of input quit too. While answering, `h` shows the question's next staged hint. Every rating is committed when it is given, so quitting loses nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timezone

from rich.console import Console
from rich.rule import Rule
from rich.text import Text

from llmprep import render
from llmprep.bank.schema import Question
from llmprep.quiz import answers, schedule
from llmprep.store import cards as card_store
from llmprep.store.db import Store

HELP = {
    "en": "Keys: 1 Again, 2 Hard, 3 Good, 4 Easy (Enter takes the suggestion) · h hint · s skip · u undo last rating"
          " · ? help · q quit (Ctrl-C too)",
    "zh": "按键：1 重来，2 困难，3 良好，4 简单（回车采用建议）· h 提示 · s 跳过 · u 撤销上一次评分 · ? 帮助 · q 退出（Ctrl-C 亦可）",
}
RATING_NAMES_ZH = {1: "重来", 2: "困难", 3: "良好", 4: "简单"}
COMMANDS = {"s", "u", "?", "q"}


class Quit(Exception):
    """The learner asked to stop (q, Ctrl-C or end of input)."""


class Command(Exception):
    def __init__(self, key: str):
        self.key = key


@dataclass
class Tally:
    started: float = field(default_factory=time.monotonic)
    ratings: list[tuple[str, int, bool | None]] = field(default_factory=list)  # (type, rating, correct)
    skipped: int = 0


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Session:
    def __init__(self, store: Store, scheduler, queue: list[Question], *, lang: str, cram: bool = False,
                 reschedule: bool = False, console: Console | None = None):
        self.store, self.scheduler, self.queue = store, scheduler, list(queue)
        self.lang, self.cram, self.reschedule = lang, cram, reschedule
        self.console = console or Console()
        self.undo_stack: list[tuple[int, Question]] = []
        self.tally = Tally()
        self.total = len(queue)
        self.hints_shown: dict[str, int] = {}

    # --- input -----------------------------------------------------------------------------------

    def ask(self, prompt: str, q: Question | None = None) -> str:
        """One line of input; a bare command key raises Command, q / Ctrl-C / EOF raise Quit.

        With a question, `h` prints its next hint and asks again.
        """
        while True:
            line = self._read(prompt)
            key = line.strip().lower()
            if key == "q":
                raise Quit
            if key in COMMANDS:
                raise Command(key)
            if key == "h" and q is not None:
                self.hint(q)
                continue
            return line

    def hint(self, q: Question) -> None:
        shown = self.hints_shown.get(q.id, 0)
        if shown >= len(q.hints):
            self.say("No more hints for this question.", "这道题没有更多提示了。", "yellow")
            return
        self.hints_shown[q.id] = shown + 1
        label = f"Hint {shown + 1}/{len(q.hints)}: " if not self.zh() else f"提示 {shown + 1}/{len(q.hints)}："
        self.console.print(Text(label + q.hints[shown].get(self.lang), style="magenta"))

    def zh(self) -> bool:
        return self.lang == "zh"

    def say(self, en: str, zh: str, style: str | None = None) -> None:
        self.console.print(Text(zh if self.zh() else en, style=style or ""))

    # --- the loop --------------------------------------------------------------------------------

    def run(self) -> Tally:
        try:
            while self.queue:
                q = self.queue.pop(0)
                try:
                    self.one(q)
                except Command as cmd:
                    self.command(cmd.key, q)
        except Quit:
            pass
        return self.tally

    def command(self, key: str, current: Question) -> None:
        if key == "s":
            self.tally.skipped += 1
            self.say("Skipped.", "已跳过。", "dim")
            return
        self.queue.insert(0, current)
        if key == "?":
            self.console.print(Text(HELP[self.lang], style="dim"))
        elif key == "u":
            self.undo()

    def undo(self) -> None:
        if not self.undo_stack:
            self.say("Nothing to undo in this session.", "本次还没有可撤销的评分。", "yellow")
            return
        review_id, q = self.undo_stack.pop()
        card_store.undo(self.store, review_id)
        self.tally.ratings.pop()
        self.queue.insert(0, q)
        self.say(f"Undid the rating of {q.id}; here it is again.", f"已撤销 {q.id} 的评分，重新作答。", "yellow")

    def one(self, q: Question) -> None:
        shown = time.monotonic()
        position = self.total - len(self.queue)
        self.console.print(Rule(f"{position}/{self.total}" + (" · cram" if self.cram else "")))
        self.console.print(render.header(q))
        self.console.print(render.prompt(q, self.lang))
        typed, check = self.answer(q)
        self.console.print(Rule(style="dim"))
        self.reveal(q, check, typed)
        rating = self.rate(q, check.suggestion)
        self.save(q, rating, typed, check, int((time.monotonic() - shown) * 1000))

    def answer(self, q: Question) -> tuple[str | None, answers.Check]:
        if q.type == "choice":
            while True:
                raw = self.ask("Your answer (letters): " if not self.zh() else "你的答案（字母）：", q)
                try:
                    letters = answers.parse_letters(raw, len(q.choices))
                except ValueError as err:
                    self.console.print(Text(str(err), style="yellow"))
                    continue
                return raw.strip(), answers.check_choice(q, letters)
        if q.type == "numeric":
            while True:
                raw = self.ask(f"Your answer [{q.unit}]: " if not self.zh() else f"你的答案 [{q.unit}]：", q)
                try:
                    value = answers.parse_number(raw, q.unit)
                except ValueError as err:
                    self.console.print(Text(str(err), style="yellow"))
                    continue
                return raw.strip(), answers.check_numeric(q, value)
        if q.type == "code":
            from llmprep.quiz.code import attempt

            return attempt(self, q)
        self.say("Type your answer; an empty line ends it (or press Enter to just think it through)."
                 + (" h shows a hint." if q.hints else ""),
                 "输入你的答案，空行结束（也可以直接回车，在心里作答）。" + ("输入 h 查看提示。" if q.hints else ""), "dim")
        lines: list[str] = []
        while True:
            line = self.ask("> ", q) if not lines else self._read("> ")
            if not line.strip():
                break
            lines.append(line)
        typed = "\n".join(lines)
        return (typed or None), answers.check_concept(q, typed)

    def _read(self, prompt: str) -> str:
        """A raw line; Ctrl-C and end of input quit. Continuation lines of an answer use it directly,
        so that a line such as `s` inside a typed answer is text, not a command."""
        try:
            return self.console.input(prompt)
        except (KeyboardInterrupt, EOFError):
            raise Quit from None

    def reveal(self, q: Question, check: answers.Check, typed: str | None) -> None:
        if check.correct is not None and q.type != "concept":
            self.say("Correct." if check.correct else "Not quite.", "正确。" if check.correct else "不对。",
                     "bold green" if check.correct else "bold red")
        self.console.print(render.answer(q, self.lang))
        if check.covered:
            self.say("Your answer covered:", "你的回答覆盖了：", "bold")
            for point, hit in zip(q.key_points, check.covered):
                mark, style = ("✓", "green") if hit else ("✗", "red")
                self.console.print(Text(f"  {mark} {point.text.get(self.lang)}", style=style))

    def rate(self, q: Question, suggestion: int | None) -> int:
        card = self._card(q)
        now = utcnow()
        intervals = schedule.preview(self.scheduler, card, now) if not self.cram or self.reschedule else {}
        names = RATING_NAMES_ZH if self.zh() else schedule.RATINGS
        options = "  ".join(f"{r} {names[r]}" + (f" ({schedule.format_interval(intervals[r])})" if intervals else "")
                            for r in names)
        hint = f"  [Enter = {suggestion} {names[suggestion]}]" if suggestion else ""
        while True:
            raw = self.ask(f"{options}{hint}: ").strip()
            if not raw and suggestion:
                return suggestion
            if raw in ("1", "2", "3", "4"):
                return int(raw)
            self.say("Press 1-4 (or s, u, ?, q).", "请按 1-4（或 s、u、?、q）。", "yellow")

    def _card(self, q: Question):
        row = card_store.cards_for(self.store, q.id)
        return schedule.load_card(row.card if row else None)

    def save(self, q: Question, rating: int, typed: str | None, check: answers.Check, duration_ms: int) -> None:
        now = utcnow()
        row = card_store.cards_for(self.store, q.id)
        before = row.card if row else None
        after = None
        if not self.cram or self.reschedule:
            after = schedule.review(self.scheduler, schedule.load_card(before), rating, now, duration_ms).to_dict()
        review = card_store.Review(q.id, rating, now, duration_ms, q.type, typed, check.correct, self.cram and not self.reschedule)
        review_id = card_store.record(self.store, review, before, after)
        self.undo_stack.append((review_id, q))
        self.tally.ratings.append((q.type, rating, check.correct))
        if after:
            due = datetime.fromisoformat(after["due"])
            self.say(f"Next review in {schedule.format_interval(due - now)}.",
                     f"下次复习：{schedule.format_interval(due - now)} 后。", "dim")

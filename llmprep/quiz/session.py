"""The interactive quiz: ask, judge, reveal, rate (fsrs), and save each rating in one transaction.

Keys at any prompt: `?` shows help and asks the same prompt again, `s` skips, `u` undoes the last
rating, `q` quits; Ctrl-C and end of input quit too. While answering, `h` shows the question's next
staged hint. Answers are judged by `llmprep.quiz.judge`, the same function as `llmprep check`; the
verdict suggests a rating and the learner chooses it. A graded answer is never thrown away: after
`?` or `u` at the rating prompt the same answer is rated, and an undone rating is given again to the
answer it was for (undo fixes a rating, it does not re-open the question). A card rated Again comes back in the same
session once its fsrs learning step is due, as in Anki. Every rating is committed when it is given,
so quitting loses nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone

from rich.console import Console
from rich.rule import Rule
from rich.text import Text

from llmprep import render
from llmprep.bank.schema import Question
from llmprep.labels import RATING_ZH
from llmprep.quiz import schedule
from llmprep.quiz.judge import AnswerFormatError, Verdict, judge
from llmprep.store import cards as card_store
from llmprep.store.db import Store

# With nothing else left to ask, a card due within this comes back at once (Anki's learn-ahead limit).
LEARN_AHEAD = timedelta(minutes=20)
HELP = {
    "answer": {
        "en": "Type your answer and press Enter · h hint · s skip · u undo the last rating · ? help"
        " · q quit (Ctrl-C too)",
        "zh": "输入答案后回车 · h 提示 · s 跳过 · u 撤销上一次评分 · ? 帮助 · q 退出（Ctrl-C 亦可）",
    },
    "concept": {
        "en": "Type your answer over one or more lines; an empty line ends it (Enter alone: think it through)"
        " · h hint · s skip · u undo the last rating · ? help · q quit (Ctrl-C too)",
        "zh": "可分多行输入答案，空行结束（直接回车：在心里作答）· h 提示 · s 跳过 · u 撤销上一次评分 · ? 帮助"
        " · q 退出（Ctrl-C 亦可）",
    },
    "more": {
        "en": "Keep typing your answer; an empty line ends it · ? help · Ctrl-C quits",
        "zh": "继续输入答案，空行结束 · ? 帮助 · Ctrl-C 退出",
    },
    "rating": {
        "en": "Rate how well you knew it: 1 Again, 2 Hard, 3 Good, 4 Easy (Enter takes the suggestion) · s skip"
        " (nothing recorded) · u undo the previous rating, then rate this answer · ? help · q quit",
        "zh": "评价你掌握得如何：1 重来，2 困难，3 良好，4 简单（回车采用建议）· s 跳过（不记录）"
        " · u 撤销上一次评分，之后再为本题评分 · ? 帮助 · q 退出",
    },
}


class Quit(Exception):
    """The learner asked to stop (q, Ctrl-C or end of input)."""


class Command(Exception):
    """`s` or `u` at a prompt; `graded` carries an answer already judged, so that it is kept."""

    def __init__(self, key: str, graded: Graded | None = None):
        self.key, self.graded = key, graded


@dataclass(frozen=True)
class Graded:
    typed: str | None
    verdict: Verdict | None  # None: nothing to judge (an empty concept answer, a stub not written)


@dataclass(frozen=True)
class Item:
    """One showing of a question: fresh, back after Again, or already answered and waiting for its rating."""

    q: Question
    graded: Graded | None = None
    again: bool = False


@dataclass
class Tally:
    started: float = field(default_factory=time.monotonic)
    ratings: list[tuple[str, int, bool | None]] = field(default_factory=list)  # (type, rating, correct)
    skipped: int = 0
    again: int = 0  # showings of a card that came back after Again
    cram: bool = False
    reschedule: bool = False


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


class Session:
    def __init__(
        self,
        store: Store,
        scheduler,
        queue: list[Question],
        *,
        lang: str,
        cram: bool = False,
        reschedule: bool = False,
        console: Console | None = None,
        clock=utcnow,
    ):
        self.store, self.scheduler = store, scheduler
        self.queue = [Item(q) for q in queue]
        self.learning: list[tuple[datetime, Item]] = []  # back after Again, soonest first
        self.lang, self.cram, self.reschedule = lang, cram, reschedule
        self.console = console or Console()
        self.clock = clock
        self.undo_stack: list[tuple[int, Item]] = []  # (review id, the item as rated, answer included)
        self.tally = Tally(cram=cram, reschedule=reschedule)
        self.total = len(queue)
        self.hints_shown: dict[str, int] = {}

    # --- input -----------------------------------------------------------------------------------

    def ask(self, prompt: str, q: Question | None = None, help_key: str = "answer") -> str:
        """One line of input. `?` prints help and asks again; `s` and `u` raise Command; q, Ctrl-C and
        end of input raise Quit. With a question, `h` prints its next hint and asks again."""
        while True:
            line = self._read(prompt)
            key = line.strip().lower()
            if key == "q":
                raise Quit
            if key == "?":
                self.help(help_key)
            elif key in ("s", "u"):
                raise Command(key)
            elif key == "h" and q is not None:
                self.hint(q)
            else:
                return line

    def _read(self, prompt: str) -> str:
        """A raw line; Ctrl-C and end of input quit. The prompt is shown literally, never as markup."""
        try:
            return self.console.input(Text(prompt))
        except (KeyboardInterrupt, EOFError):
            raise Quit from None

    def help(self, key: str) -> None:
        self.console.print(Text(HELP[key][self.lang], style="dim"))

    def hint(self, q: Question) -> None:
        shown = self.hints_shown.get(q.id, 0)
        if shown >= len(q.hints):
            self.say("No more hints for this question.", "这道题没有更多提示了。", "yellow")
            return
        self.hints_shown[q.id] = shown + 1
        label = f"Hint {shown + 1}/{len(q.hints)}: " if not self.zh() else f"提示 {shown + 1}/{len(q.hints)}："
        self.console.print(Text.assemble(label, render.inline(q.hints[shown].get(self.lang)), style="magenta"))

    def zh(self) -> bool:
        return self.lang == "zh"

    def say(self, en: str, zh: str, style: str | None = None) -> None:
        self.console.print(Text(zh if self.zh() else en, style=style or ""))

    # --- the loop --------------------------------------------------------------------------------

    def run(self) -> Tally:
        try:
            while (item := self.next_item()) is not None:
                try:
                    self.one(item)
                except Command as cmd:
                    self.command(cmd, item)
        except Quit:
            pass
        return self.tally

    def next_item(self) -> Item | None:
        """A card back from Again once due, else the next question; with nothing else left, a card
        due within LEARN_AHEAD comes back at once, and a later one is announced."""
        now = self.clock()
        if self.learning and (self.learning[0][0] <= now or not self.queue):
            due, item = self.learning[0]
            if due - now <= LEARN_AHEAD:
                self.learning.pop(0)
                return item
            wait = schedule.format_interval(due - now)
            self.say(
                f"{item.q.id} comes back in {wait}: run `llmprep quiz` then.",
                f"{item.q.id} 将在 {wait} 后再次出现：届时运行 `llmprep quiz`。",
                "dim",
            )
            return None
        return self.queue.pop(0) if self.queue else None

    def command(self, cmd: Command, item: Item) -> None:
        if cmd.key == "s":
            self.tally.skipped += 1
            self.say("Skipped.", "已跳过。", "dim")
            return
        # u: the current question comes back after the undone one, with its graded answer kept
        self.queue.insert(0, Item(item.q, cmd.graded, item.again))
        self.undo()

    def undo(self) -> None:
        if not self.undo_stack:
            self.say("Nothing to undo in this session.", "本次还没有可撤销的评分。", "yellow")
            return
        review_id, item = self.undo_stack.pop()
        card_store.undo(self.store, review_id)
        self.tally.ratings.pop()
        if item.again:
            self.tally.again -= 1
        self.learning = [(due, back) for due, back in self.learning if back.q.id != item.q.id]
        self.queue.insert(0, item)
        self.say(
            f"Undid the rating of {item.q.id}; rate your answer again.",
            f"已撤销 {item.q.id} 的评分，请重新评分。",
            "yellow",
        )

    def title(self, item: Item) -> str:
        if item.again:
            return "again" if not self.zh() else "再次"
        position = self.total - len(self.queue)
        return f"{position}/{self.total}" + ((" · cram" if not self.zh() else " · 突击练习") if self.cram else "")

    def one(self, item: Item) -> None:
        q = item.q
        shown = time.monotonic()
        self.console.print(Rule(self.title(item)))
        self.console.print(render.header(q, self.lang))
        self.console.print(render.prompt(q, self.lang))
        graded = item.graded
        if graded is None:
            graded = self.answer(q)
        elif graded.typed:
            self.console.print(Text(("你的答案：" if self.zh() else "Your answer: ") + graded.typed, style="dim"))
        self.console.print(Rule(style="dim"))
        self.reveal(q, graded.verdict)
        try:
            rating = self.rate(q, graded.verdict)
        except Command as cmd:
            raise Command(cmd.key, graded) from None
        self.save(Item(q, graded, item.again), rating, int((time.monotonic() - shown) * 1000))

    def answer(self, q: Question) -> Graded:
        if q.type == "code":
            from llmprep.quiz.code import attempt

            return attempt(self, q)
        while True:
            typed = self.concept_text(q) if q.type == "concept" else self.ask(self.answer_prompt(q), q).strip()
            try:
                return Graded(typed or None, judge(q, typed, self.lang))
            except AnswerFormatError as err:
                self.console.print(Text(str(err), style="yellow"))

    def answer_prompt(self, q: Question) -> str:
        if q.type == "choice":
            return "Your answer (letters): " if not self.zh() else "你的答案（字母）："
        unit = f" [{q.unit}]" if q.unit else ""
        return f"Your answer{unit}: " if not self.zh() else f"你的答案{unit}："

    def concept_text(self, q: Question) -> str:
        self.say(
            "Type your answer; an empty line ends it (or press Enter to just think it through)."
            + (" h shows a hint." if q.hints else ""),
            "输入你的答案，空行结束（也可以直接回车，在心里作答）。" + ("输入 h 查看提示。" if q.hints else ""),
            "dim",
        )
        lines: list[str] = []
        while True:
            # continuation lines are text: a line such as `s` inside an answer is not a command
            line = self.ask("> ", q, help_key="concept") if not lines else self._read("> ")
            if lines and line.strip() == "?":
                self.help("more")
                continue
            if not line.strip():
                return "\n".join(lines)
            lines.append(line)

    def reveal(self, q: Question, verdict: Verdict | None) -> None:
        if verdict is not None:
            self.console.print(render.verdict_message(verdict))
        self.console.print(render.answer(q, self.lang, key_points=not (verdict and verdict.points)))
        if verdict is not None and verdict.points:
            self.console.print(render.points(verdict.points, self.lang))

    def rate(self, q: Question, verdict: Verdict | None) -> int:
        suggestion = verdict.suggested_rating if verdict else None
        card = self._card(q)
        now = self.clock()
        intervals = schedule.preview(self.scheduler, card, now) if not self.cram or self.reschedule else {}
        names = RATING_ZH if self.zh() else schedule.RATINGS
        options = "  ".join(
            f"{r} {names[r]}" + (f" ({schedule.format_interval(intervals[r])})" if intervals else "") for r in names
        )
        hint = f"  [Enter = {suggestion} {names[suggestion]}]" if suggestion else ""
        while True:
            raw = self.ask(f"{options}{hint}: ", help_key="rating").strip()
            if not raw and suggestion:
                return suggestion
            if raw in ("1", "2", "3", "4"):
                return int(raw)
            self.say("Press 1-4 (or s, u, ?, q).", "请按 1-4（或 s、u、?、q）。", "yellow")

    def _card(self, q: Question):
        row = card_store.cards_for(self.store, q.id)
        return schedule.load_card(row.card if row else None)

    def save(self, item: Item, rating: int, duration_ms: int) -> None:
        q, graded = item.q, item.graded
        now = self.clock()
        row = card_store.cards_for(self.store, q.id)
        before = row.card if row else None
        correct = None if graded.verdict is None else graded.verdict.correct
        after = None
        if not self.cram or self.reschedule:
            after = schedule.review(self.scheduler, schedule.load_card(before), rating, now, duration_ms).to_dict()
        review = card_store.Review(
            q.id, rating, now, duration_ms, q.type, graded.typed, correct, self.cram and not self.reschedule
        )
        review_id = card_store.record(self.store, review, before, after)
        self.undo_stack.append((review_id, item))
        self.tally.ratings.append((q.type, rating, correct))
        self.tally.again += item.again
        if rating == 1:  # Again: back in this session once the learning step is due
            due = (
                datetime.fromisoformat(after["due"])
                if after
                else schedule.review(self.scheduler, schedule.load_card(before), 1, now).due
            )
            self.learning.append((due, Item(q, again=True)))
            self.learning.sort(key=lambda entry: entry[0])
            self.say(
                f"Back in this session in {schedule.format_interval(due - now)}.",
                f"本次练习中 {schedule.format_interval(due - now)} 后再次出现。",
                "dim",
            )
        elif after:
            due = datetime.fromisoformat(after["due"])
            self.say(
                f"Next review in {schedule.format_interval(due - now)}.",
                f"下次复习：{schedule.format_interval(due - now)} 后。",
                "dim",
            )

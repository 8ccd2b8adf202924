"""Balance of the bank (issue 11): size, topics, machine-checked share, difficulty spread, and choice
questions whose letter or option length gives the answer away. `llmprep dev check` prints the figures."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from llmprep.bank.schema import DIFFICULTIES, LETTERS, Bank, Question

MIN_QUESTIONS = 1000
MIN_PER_TOPIC = 30
MIN_MACHINE_CHECKED = 0.35  # choice + numeric
MIN_SHARE = {"senior": 0.15, "expert": 0.07}
# A 4-option letter is right a quarter of the time by chance; a guesser who always picks one letter,
# or the longest (or shortest) option, must not do much better than chance.
LETTER_SHARE = (0.17, 0.33)
MAX_TELL_SHARE = 0.33


@dataclass(frozen=True)
class Balance:
    total: int
    per_topic: dict[str, int]
    machine_checked: float
    difficulty: dict[str, float]
    letters: dict[str, float]  # share of single-answer 4-option questions whose answer is each letter
    longest: dict[str, float]  # per language: share of choice questions whose answer is the longest option
    shortest: dict[str, float]

    def problems(self) -> list[str]:
        found = []
        if self.total < MIN_QUESTIONS:
            found.append(f"{self.total} questions, fewer than {MIN_QUESTIONS}")
        thin = {t: n for t, n in self.per_topic.items() if n < MIN_PER_TOPIC}
        if thin:
            found.append(f"topics with fewer than {MIN_PER_TOPIC} questions: {thin}")
        if self.machine_checked < MIN_MACHINE_CHECKED:
            found.append(f"machine-checked share {self.machine_checked:.0%} < {MIN_MACHINE_CHECKED:.0%}")
        for level, low in MIN_SHARE.items():
            if self.difficulty.get(level, 0) < low:
                found.append(f"{level} share {self.difficulty.get(level, 0):.0%} < {low:.0%}")
        low, high = LETTER_SHARE
        skewed = {k: f"{v:.0%}" for k, v in self.letters.items() if not low <= v <= high}
        if skewed:
            found.append(f"the answer letter is skewed (each should be {low:.0%}-{high:.0%}): {skewed}")
        for name, tell in (("longest", self.longest), ("shortest", self.shortest)):
            for lang, share in tell.items():
                if share > MAX_TELL_SHARE:
                    found.append(f"the {name} option is the answer in {share:.0%} of {lang} choice questions")
        return found

    def summary(self) -> str:
        topics = min(self.per_topic.values(), default=0)
        letters = " ".join(f"{k} {v:.0%}" for k, v in self.letters.items())
        return (
            f"balance: {self.total} questions; smallest topic {topics}; machine-checked {self.machine_checked:.0%}; "
            + ", ".join(f"{k} {v:.0%}" for k, v in self.difficulty.items())
            + f"; answer letters {letters}; answer is the longest option {self.longest['en']:.0%} (en) "
            f"{self.longest['zh']:.0%} (zh), the shortest {self.shortest['en']:.0%} (en) {self.shortest['zh']:.0%} (zh)"
        )


def measure(bank: Bank) -> Balance:
    questions = list(bank.questions.values())
    total = len(questions) or 1
    per_topic = dict.fromkeys(bank.topics, 0)
    for q in questions:
        per_topic[q.topic] += 1
    difficulty = Counter(q.difficulty for q in questions)
    choice = [q for q in questions if q.type == "choice"]
    four = [q for q in choice if len(q.choices) == 4 and len(q.correct) == 1]
    letters = Counter(q.correct[0] for q in four)
    return Balance(
        total=len(questions),
        per_topic=per_topic,
        machine_checked=sum(q.type in ("choice", "numeric") for q in questions) / total,
        difficulty={d: difficulty[d] / total for d in DIFFICULTIES},
        letters={k: letters[k] / max(1, len(four)) for k in "ABCD"},
        longest={lang: _tell_share(choice, lang, max) for lang in ("en", "zh")},
        shortest={lang: _tell_share(choice, lang, min) for lang in ("en", "zh")},
    )


def _tell_share(choice: list[Question], lang: str, pick) -> float:
    """Share of questions where the option picked by length alone (strictly, no tie) is a right answer."""
    hits = 0
    for q in choice:
        lengths = [len(c.get(lang)) for c in q.choices]
        target = pick(lengths)
        if lengths.count(target) == 1 and LETTERS[lengths.index(target)] in q.correct:
            hits += 1
    return hits / max(1, len(choice))

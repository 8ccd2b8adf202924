"""Question format version 2: the vocabulary and the record each question loads into."""

from __future__ import annotations

from dataclasses import dataclass, field

FORMAT_VERSION = 2  # 2: key points judged by concept groups and misconceptions, not keywords

SET_NAMES = {
    "llm-1000": "LLM interview 1000 questions (advanced)",
    "decoder-only": "Decoder-only LLM questions with follow-ups",
    "qwen-rlhf": "Transformer, Qwen, RLHF (PPO/DPO) and multimodal",
    "core-code": "Core LLM code: attention to monitoring",
    "llm-dev": "LLM development: training, fine-tuning, NLP systems",
    "extended": "Our own questions beyond the seed material",
}
SETS = tuple(SET_NAMES)
DIFFICULTIES = ("junior", "mid", "senior", "expert")
TYPES = ("concept", "choice", "numeric", "code")
SEED_FILES = (
    "000_e003bad496f0e351.txt",
    "001_dc09940e85f13e69.txt",
    "002_63fa11703cb713f1.txt",
    "003_632ec2b5375af39c.txt",
    "004_19760d016b2129c5.txt",
)
LETTERS = "ABCDEFGH"


@dataclass(frozen=True)
class Text:
    """A piece of Markdown in both languages."""

    en: str
    zh: str

    def get(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


@dataclass(frozen=True)
class KeyPoint:
    """One idea an answer must state: `requires` groups all present, no `wrong` pattern held.

    A group is phrases joined by `|` (any one will do, English or Chinese); a misconception is groups
    joined by `+` (all in one sentence). llmprep/quiz/concept.py says how phrases match.
    """

    text: Text
    requires: tuple[str, ...]
    wrong: tuple[str, ...] = ()
    essential: bool = True


@dataclass(frozen=True)
class Tolerance:
    rel: float = 0.0
    abs: float = 0.0

    def accepts(self, got: float, want: float) -> bool:
        return abs(got - want) <= max(self.abs, self.rel * abs(want))


@dataclass(frozen=True)
class Source:
    """Where a question comes from: a seed file and its heading, or None for our own."""

    file: str | None = None
    heading: str | None = None


@dataclass(frozen=True)
class Question:
    id: str
    sets: tuple[str, ...]
    topic: str
    difficulty: str
    type: str
    prompt: Text
    answer: Text
    file: str
    line: int
    hints: tuple[Text, ...] = ()
    follow_ups: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    source: Source = field(default_factory=Source)
    # concept
    key_points: tuple[KeyPoint, ...] = ()
    # choice: `correct` holds letters, e.g. ("B",) or ("A", "C")
    choices: tuple[Text, ...] = ()
    correct: tuple[str, ...] = ()
    explanation: Text | None = None
    # numeric: `inputs` are the figures stated in the prompt, recomputed by the tests
    value: float | None = None
    tolerance: Tolerance | None = None
    unit: str | None = None
    solution: Text | None = None
    inputs: tuple[tuple[str, float], ...] = ()
    # code
    drill: str | None = None


@dataclass(frozen=True)
class Topic:
    id: str
    name: Text


@dataclass(frozen=True)
class Bank:
    questions: dict[str, Question]
    topics: dict[str, Topic]

    def select(self, *, set_=None, topic=None, type_=None, difficulty=None) -> list[Question]:
        return [
            q
            for q in self.questions.values()
            if (set_ is None or set_ in q.sets)
            and (topic is None or q.topic == topic)
            and (type_ is None or q.type == type_)
            and (difficulty is None or q.difficulty == difficulty)
        ]

"""Checking typed answers: letters for choice, numbers with units for numeric, key points for concept."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from llmprep.bank.schema import LETTERS, KeyPoint, Question

# --- choice -------------------------------------------------------------------------------------


def parse_letters(text: str, n_choices: int) -> tuple[str, ...]:
    """'b', 'A C', 'a,c' -> ('A',) / ('A', 'C'); raises ValueError naming the valid letters."""
    letters = tuple(sorted(set(re.sub(r"[\s,;/]+", "", text.upper()))))
    valid = LETTERS[:n_choices]
    if not letters or any(ch not in valid for ch in letters):
        raise ValueError(f"answer with letters {valid[0]}-{valid[-1]}, e.g. {valid[0]} or {valid[0]}{valid[1]}")
    return letters


# --- numeric ------------------------------------------------------------------------------------

_BYTES = {"b": 1, "byte": 1, "bytes": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12,
          "kib": 2**10, "mib": 2**20, "gib": 2**30, "tib": 2**40}
_SCALE = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "b": 1e9, "g": 1e9, "billion": 1e9,
          "t": 1e12, "trillion": 1e12, "%": 1e-2}
_NUMERIC = re.compile(r"^\s*([-+]?(?:\d[\d,_]*\.?\d*|\.\d+)(?:e[-+]?\d+)?)\s*([a-z%]*)\s*(.*?)\s*$", re.IGNORECASE)


def parse_number(text: str, unit: str) -> float:
    """'7e9', '6.7B', '13 GiB', '2048 MiB' (for a GiB question), '1.2e21 FLOPs' -> a value in `unit`."""
    match = _NUMERIC.match(text)
    if not match:
        raise ValueError(f"type a number such as 7e9, 6.7B or 13 {unit or ''}".rstrip())
    number, suffix, rest = match.groups()
    value = float(number.replace(",", "").replace("_", ""))
    suffix, rest, target = suffix.lower(), rest.lower(), unit.lower()
    if target in _BYTES:  # a byte question: any byte unit converts, e.g. MiB -> GiB
        given = suffix or rest or target
        if given not in _BYTES:
            raise ValueError(f"give the answer in {unit} (or another byte unit such as MiB)")
        return value * _BYTES[given] / _BYTES[target]
    if suffix in _SCALE:
        value *= _SCALE[suffix]
    elif suffix and suffix != target and suffix + rest != target:
        raise ValueError(f"unrecognised suffix {suffix!r}: use K, M, B, T or scientific notation (7e9)")
    if rest and rest not in (target, target.rstrip("s"), target + "s"):
        raise ValueError(f"the answer is in {unit}" if unit else f"unexpected text {rest!r} after the number")
    return value


# --- concept ------------------------------------------------------------------------------------

_NEGATIONS_EN = {"not", "no", "never", "without", "isn't", "doesn't", "don't", "cannot", "can't", "won't", "nor"}
_NEGATIONS_ZH = ("不", "没", "无", "非", "未", "别")
_WORD = re.compile(r"[^\W\u3400-\u9fff][\w.+\-/^()]*|[\u3400-\u9fff]")  # Ψ, é and the like stay in a token
_CJK = re.compile(r"[\u3400-\u9fff]")
FUZZ = 0.84


def _tokens(text: str) -> list[str]:
    return [t.lower() for t in _WORD.findall(text)]


def _same_token(typed: str, wanted: str) -> bool:
    """Fuzzy on letters only: a token with a digit must match exactly, so 30 never passes for 20."""
    if typed == wanted:
        return True
    if any(ch.isdigit() for ch in typed + wanted) or min(len(typed), len(wanted)) < 4:
        return False
    return difflib.SequenceMatcher(None, typed, wanted).ratio() >= FUZZ or typed.startswith(wanted)


def _negated(tokens: list[str], start: int) -> bool:
    return any(t in _NEGATIONS_EN for t in tokens[max(0, start - 3):start])


def _has_keyword(answer: str, tokens: list[str], keyword: str) -> bool:
    if _CJK.search(keyword):
        at = answer.find(keyword)
        while at >= 0:
            if not any(neg in answer[max(0, at - 2):at] for neg in _NEGATIONS_ZH) or any(n in keyword for n in _NEGATIONS_ZH):
                return True
            at = answer.find(keyword, at + 1)
        return False
    wanted = _tokens(keyword)
    if not wanted:
        return False
    negative_keyword = any(w in _NEGATIONS_EN for w in wanted)
    for i in range(len(tokens) - len(wanted) + 1):
        if all(_same_token(tokens[i + j], w) for j, w in enumerate(wanted)):
            if negative_keyword or not _negated(tokens, i):
                return True
    return False


def covers(answer: str, point: KeyPoint, prompt: str = "") -> bool:
    """A key point is covered when the answer contains one of its keywords, not negated.

    Keywords that the prompt itself contains are no evidence (repeating the question ticks nothing),
    unless every keyword of the point is in the prompt.
    """
    text, asked = answer.lower(), prompt.lower()
    tokens, asked_tokens = _tokens(text), _tokens(asked)
    keywords = [kw.lower() for kw in point.keywords]
    telling = [kw for kw in keywords if not _has_keyword(asked, asked_tokens, kw)] or keywords
    return any(_has_keyword(text, tokens, kw) for kw in telling)


@dataclass(frozen=True)
class Check:
    """The outcome of checking an answer: `correct` is None when there is nothing to check."""

    correct: bool | None
    suggestion: int | None  # a rating 1-4 to suggest, None to let the learner choose freely
    covered: tuple[bool, ...] = ()


def check_concept(q: Question, answer: str) -> Check:
    if not answer.strip():
        return Check(None, None)
    prompt = f"{q.prompt.en}\n{q.prompt.zh}"
    covered = tuple(covers(answer, kp, prompt) for kp in q.key_points)
    share = sum(covered) / len(covered)
    suggestion = 3 if share >= 0.99 else 2 if share >= 0.5 else 1
    return Check(share >= 0.5, suggestion, covered)


def check_choice(q: Question, letters: tuple[str, ...]) -> Check:
    correct = letters == q.correct
    return Check(correct, 3 if correct else 1)


def check_numeric(q: Question, value: float) -> Check:
    correct = q.tolerance.accepts(value, q.value)
    return Check(correct, 3 if correct else 1)

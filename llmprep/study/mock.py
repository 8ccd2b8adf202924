"""Mock interviews: a seeded plan (concept, numeric and a drill), answers saved one transaction each,
follow-ups when a concept answer is not correct, and a report by topic."""

from __future__ import annotations

import json
import random
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone

from llmprep.bank.schema import Bank, Question
from llmprep.store.cards import iso, parse_iso
from llmprep.store.db import Store

SHAPE = ("concept", "concept", "numeric", "concept", "concept", "code")  # the order questions are asked in
POINTS = {"correct": 1.0, "partial": 0.5, "wrong": 0.0, "skipped": 0.0}


@dataclass(frozen=True)
class Answer:
    position: int
    question_id: str
    typed: str | None
    verdict: str  # correct | partial | wrong | skipped
    seconds: float


@dataclass
class Mock:
    id: int
    started_at: datetime
    minutes: int
    seed: int
    set_name: str | None
    plan: list[str]  # question ids; follow-ups are appended after the question that called for them
    answers: list[Answer]
    finished_at: datetime | None = None

    @property
    def seconds_used(self) -> float:
        return sum(a.seconds for a in self.answers)

    @property
    def seconds_left(self) -> float:
        return self.minutes * 60 - self.seconds_used

    def next_position(self) -> int | None:
        done = {a.position for a in self.answers}
        return next((i for i in range(len(self.plan)) if i not in done), None)


def make_plan(bank: Bank, set_name: str | None, seed: int) -> list[str]:
    """Concept questions from different topics, a numeric one and a code one, in SHAPE's order."""
    rng = random.Random(seed)
    pool = bank.select(set_=set_name)
    by_type: dict[str, list[Question]] = defaultdict(list)
    for q in sorted(pool, key=lambda q: q.id):
        by_type[q.type].append(q)
    for questions in by_type.values():
        rng.shuffle(questions)
    plan, topics = [], set()
    for qtype in SHAPE:
        candidates = [q for q in by_type[qtype] if q.id not in plan]
        fresh = [q for q in candidates if q.topic not in topics] or candidates
        if fresh:
            plan.append(fresh[0].id)
            topics.add(fresh[0].topic)
    return plan


def follow_up(bank: Bank, q: Question, plan: list[str]) -> str | None:
    """The first follow-up of `q` that the plan does not hold yet and that is answered in words."""
    return next(
        (
            f
            for f in q.follow_ups
            if f in bank.questions and f not in plan and bank.questions[f].type in ("concept", "choice", "numeric")
        ),
        None,
    )


# --- the store ---------------------------------------------------------------------------------------


def start(store: Store, *, minutes: int, seed: int, set_name: str | None, plan: list[str]) -> Mock:
    now = datetime.now(timezone.utc)
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO mocks (started_at, minutes, seed, set_name, plan_json) VALUES (?, ?, ?, ?, ?)",
            (iso(now), minutes, seed, set_name, json.dumps(plan)),
        )
    return Mock(cur.lastrowid, now, minutes, seed, set_name, plan, [])


def save_answer(store: Store, mock: Mock, answer: Answer, plan: list[str]) -> None:
    """The answer and the plan as it now stands (a follow-up may have joined it), in one transaction."""
    with store.transaction() as conn:
        conn.execute(
            "INSERT INTO mock_answers VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                mock.id,
                answer.position,
                answer.question_id,
                answer.typed,
                answer.verdict,
                answer.seconds,
                iso(datetime.now(timezone.utc)),
            ),
        )
        conn.execute("UPDATE mocks SET plan_json = ? WHERE id = ?", (json.dumps(plan), mock.id))
    mock.answers.append(answer)
    mock.plan = plan


def finish(store: Store, mock: Mock) -> None:
    mock.finished_at = datetime.now(timezone.utc)
    with store.transaction() as conn:
        conn.execute("UPDATE mocks SET finished_at = ? WHERE id = ?", (iso(mock.finished_at), mock.id))


def load_all(store: Store) -> list[Mock]:
    """Every mock, oldest first, with its answers."""
    answers: dict[int, list[Answer]] = defaultdict(list)
    for mock_id, pos, qid, typed, verdict, seconds in store.conn.execute(
        "SELECT mock_id, position, question_id, typed, verdict, seconds FROM mock_answers ORDER BY position"
    ).fetchall():
        answers[mock_id].append(Answer(pos, qid, typed, verdict, seconds))
    rows = store.conn.execute(
        "SELECT id, started_at, minutes, seed, set_name, plan_json, finished_at FROM mocks ORDER BY id"
    ).fetchall()
    return [
        Mock(i, parse_iso(at), m, seed, s, json.loads(plan), answers[i], parse_iso(end) if end else None)
        for i, at, m, seed, s, plan, end in rows
    ]


def unfinished(store: Store) -> Mock | None:
    mocks = [m for m in load_all(store) if m.finished_at is None]
    return mocks[-1] if mocks else None


# --- the report --------------------------------------------------------------------------------------


def score(mock: Mock) -> float:
    """The share of points over the questions asked or planned (an unanswered question scores 0)."""
    return sum(POINTS[a.verdict] for a in mock.answers) / max(1, len(mock.plan))


def by_topic(mock: Mock, bank: Bank) -> dict[str, tuple[float, int]]:
    """topic -> (points, questions), over the plan."""
    got = {a.question_id: POINTS[a.verdict] for a in mock.answers}
    out: dict[str, list[float]] = defaultdict(lambda: [0.0, 0])
    for qid in mock.plan:
        topic = bank.questions[qid].topic if qid in bank.questions else "?"
        out[topic][0] += got.get(qid, 0.0)
        out[topic][1] += 1
    return {t: (p, int(n)) for t, (p, n) in sorted(out.items())}


def to_review(mock: Mock, bank: Bank) -> list[str]:
    """Planned questions not answered correctly, in plan order."""
    right = {a.question_id for a in mock.answers if a.verdict == "correct"}
    return [qid for qid in mock.plan if qid not in right and qid in bank.questions]

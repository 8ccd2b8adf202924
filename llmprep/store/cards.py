"""Cards and the review log: each rating is one transaction, and can be undone exactly."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timezone

from llmprep.store.db import Store


def iso(dt: datetime) -> str:
    """A fixed-width UTC timestamp, so that text order is time order in SQL."""
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_iso(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


@dataclass(frozen=True)
class CardRow:
    question_id: str
    card: dict  # fsrs Card.to_dict()
    state: int
    due: datetime
    introduced_at: datetime


@dataclass(frozen=True)
class Review:
    question_id: str
    rating: int
    reviewed_at: datetime
    duration_ms: int
    qtype: str
    typed_answer: str | None = None
    correct: bool | None = None
    cram: bool = False


def cards(store: Store) -> dict[str, CardRow]:
    rows = store.conn.execute("SELECT question_id, card_json, state, due, introduced_at FROM cards").fetchall()
    return {
        qid: CardRow(qid, json.loads(card), state, parse_iso(due), parse_iso(intro))
        for qid, card, state, due, intro in rows
    }


def cards_for(store: Store, question_id: str) -> CardRow | None:
    row = store.conn.execute(
        "SELECT card_json, state, due, introduced_at FROM cards WHERE question_id = ?", (question_id,)
    ).fetchone()
    if row is None:
        return None
    card, state, due, intro = row
    return CardRow(question_id, json.loads(card), state, parse_iso(due), parse_iso(intro))


def record(store: Store, review: Review, card_before: dict | None, card_after: dict | None) -> int:
    """Log the review and, unless it was a cram review, store the new card. Returns the review id."""
    with store.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO reviews (question_id, rating, reviewed_at, duration_ms, typed_answer, correct, qtype, cram,"
            " card_before, card_after) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                review.question_id,
                review.rating,
                iso(review.reviewed_at),
                review.duration_ms,
                review.typed_answer,
                None if review.correct is None else int(review.correct),
                review.qtype,
                int(review.cram),
                None if card_before is None else json.dumps(card_before),
                None if card_after is None else json.dumps(card_after),
            ),
        )
        if card_after is not None:
            _put_card(conn, review.question_id, card_after, review.reviewed_at)
        return cur.lastrowid


def _put_card(conn, question_id: str, card: dict, now: datetime) -> None:
    conn.execute(
        "INSERT INTO cards (question_id, card_json, state, due, introduced_at) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (question_id) DO UPDATE SET card_json = excluded.card_json, state = excluded.state,"
        " due = excluded.due",
        (question_id, json.dumps(card), card["state"], iso(datetime.fromisoformat(card["due"])), iso(now)),
    )


def undo(store: Store, review_id: int) -> str:
    """Remove one review and put its card back as it was before. Returns the question id."""
    with store.transaction() as conn:
        row = conn.execute(
            "SELECT question_id, card_before, card_after FROM reviews WHERE id = ?", (review_id,)
        ).fetchone()
        if row is None:
            raise LookupError(f"review {review_id} does not exist")
        question_id, before, after = row
        if after is not None:  # a cram review never touched the card
            if before is None:
                conn.execute("DELETE FROM cards WHERE question_id = ?", (question_id,))
            else:
                card = json.loads(before)
                conn.execute(
                    "UPDATE cards SET card_json = ?, state = ?, due = ? WHERE question_id = ?",
                    (before, card["state"], iso(datetime.fromisoformat(card["due"])), question_id),
                )
        conn.execute("DELETE FROM reviews WHERE id = ?", (review_id,))
        return question_id


def introduced_since(store: Store, since: datetime) -> int:
    return store.conn.execute("SELECT COUNT(*) FROM cards WHERE introduced_at >= ?", (iso(since),)).fetchone()[0]


def reviews(store: Store, since: datetime | None = None) -> list[tuple]:
    """(question_id, rating, reviewed_at, qtype, correct, cram) rows, oldest first."""
    sql = "SELECT question_id, rating, reviewed_at, qtype, correct, cram FROM reviews"
    args: tuple = ()
    if since is not None:
        sql, args = sql + " WHERE reviewed_at >= ?", (iso(since),)
    return store.conn.execute(sql + " ORDER BY reviewed_at", args).fetchall()


MARKS = ("suspended", "flagged")
LEECH_LAPSES = 8  # Anki's default: a card failed this often is a leech


def marked(store: Store, mark: str) -> set[str]:
    """Question ids with this mark (suspended or flagged)."""
    assert mark in MARKS
    return {qid for (qid,) in store.conn.execute(f"SELECT question_id FROM card_marks WHERE {mark} = 1").fetchall()}


def set_mark(store: Store, question_id: str, mark: str, on: bool) -> None:
    assert mark in MARKS
    with store.transaction() as conn:
        conn.execute(
            f"INSERT INTO card_marks (question_id, {mark}, updated_at) VALUES (?, ?, ?)"
            f" ON CONFLICT (question_id) DO UPDATE SET {mark} = excluded.{mark}, updated_at = excluded.updated_at",
            (question_id, int(on), iso(datetime.now(timezone.utc))),
        )


def lapses(store: Store) -> dict[str, int]:
    """Per question, how often it was rated Again outside cram."""
    rows = store.conn.execute(
        "SELECT question_id, COUNT(*) FROM reviews WHERE rating = 1 AND cram = 0 GROUP BY question_id"
    ).fetchall()
    return dict(rows)


def bring_forward(store: Store, question_id: str, due: datetime) -> None:
    """Make a card due by `due` (a new card is created): a review that must come back soon."""
    from llmprep.quiz.schedule import load_card

    row = cards_for(store, question_id)
    card = row.card if row else load_card(None).to_dict()
    if row is None or datetime.fromisoformat(card["due"]) > due:
        card = {**card, "due": due.astimezone(timezone.utc).isoformat()}
        with store.transaction() as conn:
            _put_card(conn, question_id, card, datetime.now(timezone.utc))

"""Moving progress between machines: a versioned JSON export, and an import that merges."""

from __future__ import annotations

import json
import os
from pathlib import Path

from llmprep.errors import LlmprepError
from llmprep.store.db import Store, now_iso

FORMAT = "llmprep-progress"
VERSION = 1
REVIEW_COLUMNS = ("question_id", "rating", "reviewed_at", "duration_ms", "typed_answer", "correct", "qtype", "cram",
                  "card_before", "card_after")
ATTEMPT_COLUMNS = ("drill_id", "status", "file", "device", "seed", "duration_s", "result_json", "created_at")


def _rows(store: Store, table: str, columns: tuple[str, ...]) -> list[dict]:
    cur = store.conn.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY rowid")
    return [dict(zip(columns, row)) for row in cur]


def export(store: Store, path: Path, force: bool = False) -> dict:
    if path.exists() and not force:
        raise LlmprepError(f"{path} already exists", fix="choose another name or add --force to replace it")
    data = {
        "format": FORMAT, "version": VERSION, "exported_at": now_iso(),
        "cards": _rows(store, "cards", ("question_id", "card_json", "state", "due", "introduced_at")),
        "reviews": _rows(store, "reviews", REVIEW_COLUMNS),
        "drill_attempts": _rows(store, "drill_attempts", ATTEMPT_COLUMNS),
    }
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)
    return {k: len(data[k]) for k in ("cards", "reviews", "drill_attempts")}


def _load(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LlmprepError(f"{path} does not exist", fix="give the path of a file made by `llmprep progress export`") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise LlmprepError(f"{path} is not a progress export ({err})", fix="use a file made by `llmprep progress export`") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise LlmprepError(f"{path} is not a progress export", fix="use a file made by `llmprep progress export`")
    if data.get("version") != VERSION:
        raise LlmprepError(f"{path} has export version {data.get('version')}, this llmprep reads {VERSION}",
                           fix="export again with this version of llmprep, or upgrade llmprep")
    return data


def _last_review(card_json: str) -> str:
    return json.loads(card_json).get("last_review") or ""


def _add_missing(conn, table: str, columns: tuple[str, ...], rows: list[dict], key: tuple[str, str]) -> int:
    """Insert the rows whose key is not in the table yet; returns how many were added."""
    added = 0
    for row in rows:
        if not conn.execute(f"SELECT 1 FROM {table} WHERE {key[0]} = ? AND {key[1]} = ?", (row[key[0]], row[key[1]])).fetchone():
            conn.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})", row)
            added += 1
    return added


def import_(store: Store, path: Path) -> dict:
    """Merge: the more recently reviewed card wins; reviews and attempts are added once."""
    data = _load(path)
    added = {"cards": 0, "reviews": 0, "drill_attempts": 0}
    try:
        with store.transaction() as conn:
            for card in data["cards"]:
                row = conn.execute("SELECT card_json FROM cards WHERE question_id = ?", (card["question_id"],)).fetchone()
                if row is None or _last_review(card["card_json"]) > _last_review(row[0]):
                    conn.execute("INSERT OR REPLACE INTO cards (question_id, card_json, state, due, introduced_at)"
                                 " VALUES (:question_id, :card_json, :state, :due, :introduced_at)", card)
                    added["cards"] += 1
            added["reviews"] = _add_missing(conn, "reviews", REVIEW_COLUMNS, data["reviews"], ("question_id", "reviewed_at"))
            added["drill_attempts"] = _add_missing(conn, "drill_attempts", ATTEMPT_COLUMNS, data["drill_attempts"],
                                                   ("drill_id", "created_at"))
    except (KeyError, TypeError) as err:
        raise LlmprepError(f"{path} is missing field {err} in a record; nothing was imported",
                           fix="use an unedited file made by `llmprep progress export`") from None
    return added


def reset(store: Store, question_id: str | None) -> int:
    """Forget one question's progress (or all of it); returns the number of cards removed."""
    with store.transaction() as conn:
        if question_id is None:
            removed = conn.execute("DELETE FROM cards").rowcount
            conn.execute("DELETE FROM reviews")
        else:
            removed = conn.execute("DELETE FROM cards WHERE question_id = ?", (question_id,)).rowcount
            conn.execute("DELETE FROM reviews WHERE question_id = ?", (question_id,))
    return removed

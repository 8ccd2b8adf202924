"""Moving progress between machines: a versioned JSON export, and an import that merges.

The import reads and checks the whole file first (export_format.read), then writes it in one
transaction: a file with any problem changes nothing.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from llmprep.errors import LlmprepError
from llmprep.store.db import Store, now_iso
from llmprep.store.export_format import FORMAT, SECTIONS, VERSION, read

KEYS = {"reviews": ("question_id", "reviewed_at"), "drill_attempts": ("drill_id", "created_at")}  # added once


def _rows(store: Store, table: str) -> list[dict]:
    columns = tuple(SECTIONS[table])
    rows = store.conn.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY rowid").fetchall()
    return [dict(zip(columns, row)) for row in rows]


def export(store: Store, path: Path, force: bool = False) -> dict:
    if path.exists() and not force:
        raise LlmprepError(f"{path} already exists", fix="choose another name or add --force to replace it")
    data = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": now_iso(),
        **{name: _rows(store, name) for name in SECTIONS},
    }
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, path)
    except OSError as err:
        raise LlmprepError(f"cannot write {path} ({err.strerror})", fix="choose a writable folder") from None
    return {name: len(data[name]) for name in SECTIONS}


def _last_review(card_json: str) -> str:
    return json.loads(card_json).get("last_review") or ""


def _insert(conn, table: str, row: dict) -> None:
    conn.execute(f"INSERT OR REPLACE INTO {table} ({', '.join(row)}) VALUES ({', '.join(':' + c for c in row)})", row)


def import_(store: Store, path: Path) -> dict:
    """Merge an export file, checked completely before anything is written."""
    return merge(store, read(path))


def merge(store: Store, data: dict[str, list[dict]]) -> dict:
    """In one transaction: the more recently reviewed card and the more recently changed hint stage win;
    reviews and attempts are added once. `data` comes from export_format.read."""
    added = {name: 0 for name in SECTIONS}
    with store.transaction() as conn:
        for card in data["cards"]:
            row = conn.execute("SELECT card_json FROM cards WHERE question_id = ?", (card["question_id"],)).fetchone()
            if row is None or _last_review(card["card_json"]) > _last_review(row[0]):
                _insert(conn, "cards", card)
                added["cards"] += 1
        for table, (a, b) in KEYS.items():
            have = set(conn.execute(f"SELECT {a}, {b} FROM {table}").fetchall())
            for entry in data[table]:
                if (entry[a], entry[b]) not in have:
                    have.add((entry[a], entry[b]))
                    _insert(conn, table, entry)
                    added[table] += 1
        for stage in data["hint_stages"]:
            row = conn.execute("SELECT updated_at FROM hint_stages WHERE drill_id = ?", (stage["drill_id"],)).fetchone()
            if row is None or stage["updated_at"] > row[0]:
                _insert(conn, "hint_stages", stage)
                added["hint_stages"] += 1
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


def known_ids(store: Store) -> set[str]:
    """Question ids that have progress (a card or a review)."""
    rows = store.conn.execute("SELECT question_id FROM cards UNION SELECT question_id FROM reviews").fetchall()
    return {qid for (qid,) in rows}

"""The progress export file: its format, and a strict reader that checks every field before anything is written.

Version 2 added hint_stages; version 1 files are still read. A problem names the file, the JSON
path of the entry (`reviews[12].rating`), what was found and what was expected.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any, Callable

from llmprep.errors import LlmprepError

FORMAT = "llmprep-progress"
VERSION = 2
READS = (1, 2)
ID_RE = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*(?:/[a-z0-9]+(?:[-_][a-z0-9]+)*)+$")  # as in the bank
DRILL_RE = re.compile(r"^[a-z0-9]+(?:_[a-z0-9]+)*$")
STATUSES = ("pass", "fail", "error", "gave_up")
_FIX = "export again with `llmprep progress export FILE`, or fix that entry"


class Bad(Exception):
    """One field is wrong: the message says what was found and what was expected."""


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 40 else text[:37] + "..."


def _expect(ok: bool, value: Any, expected: str) -> None:
    if not ok:
        raise Bad(f"is {_show(value)}, expected {expected}")


def text(value: Any) -> str:
    _expect(isinstance(value, str), value, "a string")
    return value


def optional(check: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else check(value)


def integer(low: int | None = None, high: int | None = None) -> Callable[[Any], int]:
    span = (
        "an integer" if low is None else f"an integer >= {low}" if high is None else f"an integer from {low} to {high}"
    )

    def check(value: Any) -> int:
        _expect(type(value) is int and (low is None or value >= low) and (high is None or value <= high), value, span)
        return value

    return check


def number(value: Any) -> float:
    _expect(type(value) in (int, float) and value >= 0, value, "a number >= 0")
    return value


def flag(value: Any) -> int:
    _expect(value in (0, 1) and type(value) in (int, bool), value, "0 or 1")
    return int(value)


def timestamp(value: Any) -> str:
    """An ISO 8601 time with its time zone, kept as written (the import's duplicate check compares text)."""
    _expect(isinstance(value, str), value, "a time like 2026-11-01T09:00:00.000000Z")
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Bad(f"is {_show(value)}, expected a time like 2026-11-01T09:00:00.000000Z") from None
    _expect(parsed.tzinfo is not None, value, "a time with its time zone (Z or +00:00)")
    return value


def utc_time(value: Any) -> str:
    """A time the store compares as text (due, reviewed_at): rewritten in its one fixed-width UTC form."""
    from llmprep.store.cards import iso, parse_iso

    return iso(parse_iso(timestamp(value)))


def question_id(value: Any) -> str:
    _expect(isinstance(value, str) and bool(ID_RE.match(value)), value, "a question id like attention/why-scale")
    return value


def drill_id(value: Any) -> str:
    _expect(isinstance(value, str) and bool(DRILL_RE.match(value)), value, "a drill id like softmax")
    return value


def card(value: Any) -> str:
    """A scheduler card stored as JSON text: an object with its state (1-3) and due time."""
    _expect(isinstance(value, str), value, "a card as JSON text")
    try:
        data = json.loads(value)
    except ValueError:
        raise Bad(f"is {_show(value)}, expected a card as JSON text") from None
    _expect(isinstance(data, dict) and "state" in data and "due" in data, value, 'a card with "state" and "due"')
    for key, check in (("state", integer(1, 3)), ("due", timestamp)):
        try:
            check(data[key])
        except Bad as err:
            raise Bad(f"holds a card whose {key} {err}") from None
    return value


def status(value: Any) -> str:
    _expect(value in STATUSES, value, "one of " + ", ".join(STATUSES))
    return value


SECTIONS: dict[str, dict[str, Callable[[Any], Any]]] = {
    "cards": {
        "question_id": question_id,
        "card_json": card,
        "state": integer(1, 3),
        "due": utc_time,
        "introduced_at": utc_time,
    },
    "reviews": {
        "question_id": question_id,
        "rating": integer(1, 4),
        "reviewed_at": utc_time,
        "duration_ms": optional(integer(0)),
        "typed_answer": optional(text),
        "correct": optional(flag),
        "qtype": text,
        "cram": flag,
        "card_before": optional(card),
        "card_after": optional(card),
    },
    "drill_attempts": {
        "drill_id": drill_id,
        "status": status,
        "file": optional(text),
        "device": optional(text),
        "seed": optional(integer()),
        "duration_s": optional(number),
        "result_json": optional(text),
        "created_at": timestamp,
    },
    "hint_stages": {"drill_id": drill_id, "stage": integer(0), "updated_at": timestamp},
}
SINCE = {"hint_stages": 2}  # sections added after version 1


class _Problem(Exception):
    """One entry is wrong; `where` is its JSON path."""

    def __init__(self, where: str, what: str):
        super().__init__(f"{where} {what}")


def _problem(path: Path, problems: list[str]) -> LlmprepError:
    more = len(problems) - 1
    also = f" ({more} more problem{'s' if more > 1 else ''} after it)" if more else ""
    return LlmprepError(f"{path}: {problems[0]}{also}; nothing was imported", fix=_FIX)


def _fields(where: str, entry: dict, fields, extra: str = "") -> None:
    unknown = sorted(set(entry) - set(fields))
    missing = [name for name in fields if name not in entry]
    if unknown or missing:
        parts = [f"unknown field(s) {', '.join(unknown)}"] if unknown else []
        parts += [f"no field(s) {', '.join(missing)}"] if missing else []
        raise _Problem(where, "has " + "; ".join(parts) + extra)


def _entry(where: str, entry: Any, fields: dict[str, Callable[[Any], Any]]) -> dict:
    if not isinstance(entry, dict):
        raise _Problem(where, f"is {_show(entry)}, expected an object")
    _fields(where, entry, fields, f", expected the fields {', '.join(fields)}")
    row = {}
    for name, check in fields.items():
        try:
            row[name] = check(entry[name])
        except Bad as err:
            raise _Problem(f"{where}.{name}", str(err)) from None
    if "card_json" in row and json.loads(row["card_json"])["state"] != row["state"]:
        raise _Problem(
            f"{where}.state", f"is {row['state']} but its card_json says {json.loads(row['card_json'])['state']}"
        )
    return row


def read(path: Path) -> dict[str, list[dict]]:
    """The validated sections of an export file (hint_stages empty for version 1)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise LlmprepError(
            f"{path} does not exist", fix="give the path of a file made by `llmprep progress export`"
        ) from None
    except OSError as err:
        raise LlmprepError(f"cannot read {path} ({err.strerror})", fix="check the path and its permissions") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as err:
        raise LlmprepError(
            f"{path} is not a progress export: byte {err.start} is not UTF-8 text; nothing was imported",
            fix="use a file made by `llmprep progress export`",
        ) from None
    except json.JSONDecodeError as err:
        if err.doc.strip() and not err.doc[err.pos :].strip():
            what = f"is cut short: its JSON stops at line {err.lineno} column {err.colno} before it is complete"
        else:
            what = f"is not valid JSON ({err.msg} at line {err.lineno} column {err.colno})"
        raise LlmprepError(
            f"{path} {what}; nothing was imported", fix="use an unedited file made by `llmprep progress export`"
        ) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        found = (
            f'"format" is {_show(data["format"])}'
            if isinstance(data, dict) and "format" in data
            else f'it has no "format" field (keys: {_show(sorted(data))})'
            if isinstance(data, dict)
            else f"it is a JSON {type(data).__name__}, not an object"
        )
        raise LlmprepError(
            f'{path} is not a progress export: {found}, expected "format": "{FORMAT}"; nothing was imported',
            fix="use a file made by `llmprep progress export`",
        )
    version = data.get("version")
    if version not in READS or type(version) is not int:
        raise LlmprepError(
            f"{path} has export version {_show(version)}, this llmprep reads versions "
            f"{', '.join(map(str, READS))}; nothing was imported",
            fix="upgrade llmprep (pip install -U llmprep), or export again with this version",
        )
    sections = [name for name in SECTIONS if SINCE.get(name, 1) <= version]
    try:
        _fields(
            "the top level",
            {k: v for k, v in data.items() if k != "exported_at"},
            ("format", "version", *sections),
            f" for version {version}",
        )
    except _Problem as err:
        raise _problem(path, [str(err)]) from None
    out: dict[str, list[dict]] = {name: [] for name in SECTIONS}
    problems = []
    for name in sections:
        if not isinstance(data[name], list):
            problems.append(f"{name} is {_show(data[name])}, expected a list")
            continue
        for i, entry in enumerate(data[name]):
            try:
                out[name].append(_entry(f"{name}[{i}]", entry, SECTIONS[name]))
            except _Problem as err:
                problems.append(str(err))
    if problems:
        raise _problem(path, problems)
    return out

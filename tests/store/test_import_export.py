"""`llmprep progress export|import`: a malformed or foreign file is refused in one line and changes nothing;
hint stages travel with the export; version 1 files are still read."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from llmprep.store import cards as card_store
from llmprep.store import open_store
from llmprep.store.db import DB_NAME
from tests.helpers import run_cli

T0 = datetime(2026, 11, 1, 9, 0, tzinfo=timezone.utc)
QUESTIONS = ("attention/why-scale-by-sqrt-dk", "attention/kv-cache-bytes-7b")  # in the bank (conftest)


def fill(reviews: int = 3) -> None:
    store = open_store()
    for i in range(reviews):
        at = T0 + timedelta(minutes=i)
        card = {
            "card_id": i,
            "state": 2,
            "step": None,
            "stability": 3.0,
            "difficulty": 5.0,
            "due": (at + timedelta(days=2)).isoformat(),
            "last_review": at.isoformat(),
        }
        card_store.record(store, card_store.Review(QUESTIONS[i % 2], 3, at, 800, "concept", "typed", True), None, card)
    store.record_attempt("softmax", "pass", seed=4, duration_s=1.5)
    store.set_hint_stage("softmax", 2)
    store.close()


@pytest.fixture
def export_data(tmp_path, monkeypatch, llmprep_home) -> dict:
    """A real export (version 2), made on another machine."""
    monkeypatch.setenv("LLMPREP_HOME", str(tmp_path / "other-machine"))
    fill()
    out = tmp_path / "export.json"
    done = run_cli("progress", "export", str(out))
    assert done.returncode == 0, done.stderr
    assert "1 hint stages" in done.stdout
    monkeypatch.setenv("LLMPREP_HOME", str(llmprep_home))
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.fixture
def home_with_progress(llmprep_home):
    store = open_store()
    at = T0 - timedelta(days=1)
    card_store.record(
        store,
        card_store.Review("attention/scale-choice-quiz", 4, at, 500, "choice"),
        None,
        {
            "card_id": 9,
            "state": 2,
            "step": None,
            "stability": 9.0,
            "difficulty": 4.0,
            "due": (at + timedelta(days=9)).isoformat(),
            "last_review": at.isoformat(),
        },
    )
    store.close()
    return llmprep_home


def state_of(home: Path) -> tuple[str, set[str]]:
    path = home / DB_NAME
    return hashlib.sha256(path.read_bytes()).hexdigest(), {p.name for p in home.iterdir()}


def edit(change):
    def apply(data: dict) -> dict:
        data = json.loads(json.dumps(data))
        change(data)
        return data

    return apply


def _at(data: dict, where: str):
    """The object at a dotted path ("reviews.2"; "" for the top level)."""
    for part in where.split(".") if where else []:
        data = data[int(part)] if part.isdigit() else data[part]
    return data


def setitem(where: str, key, value):
    return edit(lambda data: _at(data, where).__setitem__(key, value))


def delitem(where: str, key):
    return edit(lambda data: _at(data, where).__delitem__(key))


def text(raw: str | bytes):
    return lambda data: raw


def last_review_bad(data: dict) -> dict:
    """Every entry valid but the last: the valid ones before it must not be imported either."""
    data = json.loads(json.dumps(data))
    data["reviews"].extend(dict(data["reviews"][0], reviewed_at=f"2026-12-0{i}T00:00:00.000000Z") for i in range(1, 8))
    data["reviews"][-1]["rating"] = 9
    return data


BAD_FILES = {
    "not-json": (text("progress of mine"), "is not valid JSON (Expecting value at line 1 column 1)"),
    "empty-file": (text(""), "is not valid JSON"),
    "truncated-json": (lambda data: json.dumps(data, indent=1)[:300], "is not valid JSON (Unterminated string"),
    "cut-between-entries": (
        lambda data: json.dumps(data)[: json.dumps(data).index('"reviews"')],
        "is cut short: its JSON stops at line 1 column",
    ),
    "not-utf8": (text(b"\xff\xfe{\x00}"), "is not a progress export: byte 0 is not UTF-8 text"),
    "json-list": (text("[]"), "is not a progress export: it is a JSON list, not an object"),
    "package-json": (
        text('{"name": "web", "version": "1.0.0", "dependencies": {}}'),
        'it has no "format" field (keys: ["dependencies", "name", "version"])',
    ),
    "anki-format": (setitem("", "format", "anki"), 'is not a progress export: "format" is "anki"'),
    "future-version": (setitem("", "version", 3), "has export version 3, this llmprep reads versions 1, 2"),
    "version-as-text": (setitem("", "version", "2"), 'has export version "2"'),
    "missing-section": (delitem("", "reviews"), "the top level has no field(s) reviews"),
    "unknown-section": (setitem("", "notes", []), "the top level has unknown field(s) notes"),
    "v1-with-hint-stages": (setitem("", "version", 1), "the top level has unknown field(s) hint_stages for version 1"),
    "section-not-list": (setitem("", "cards", {}), "cards is {}, expected a list"),
    "entry-not-object": (setitem("", "reviews", [7]), "reviews[0] is 7, expected an object"),
    "unknown-field": (setitem("reviews.1", "mood", "good"), "reviews[1] has unknown field(s) mood"),
    "missing-field": (delitem("cards.0", "due"), "cards[0] has no field(s) due"),
    "rating-too-high": (setitem("reviews.2", "rating", 7), "reviews[2].rating is 7, expected an integer from 1 to 4"),
    "rating-zero": (setitem("reviews.0", "rating", 0), "reviews[0].rating is 0, expected an integer from 1 to 4"),
    "rating-as-text": (setitem("reviews.0", "rating", "3"), 'reviews[0].rating is "3", expected an integer'),
    "rating-as-bool": (setitem("reviews.0", "rating", True), "reviews[0].rating is true"),
    "bad-date": (
        setitem("reviews.1", "reviewed_at", "yesterday"),
        'reviews[1].reviewed_at is "yesterday", expected a time',
    ),
    "date-without-zone": (
        setitem("cards.0", "due", "2026-11-03T09:00:00"),
        'cards[0].due is "2026-11-03T09:00:00", expected a time with its time zone',
    ),
    "bad-question-id": (
        setitem("cards.1", "question_id", "Attention Q1"),
        'cards[1].question_id is "Attention Q1", expected a question id',
    ),
    "card-not-json": (setitem("cards.0", "card_json", "{"), 'cards[0].card_json is "{", expected a card as JSON text'),
    "card-bad-state": (
        setitem("cards.0", "card_json", '{"state": 7, "due": "2026-11-03T09:00:00+00:00"}'),
        "cards[0].card_json holds a card whose state is 7, expected an integer from 1 to 3",
    ),
    "card-state-disagrees": (setitem("cards.0", "state", 1), "cards[0].state is 1 but its card_json says 2"),
    "negative-duration": (
        setitem("reviews.0", "duration_ms", -5),
        "reviews[0].duration_ms is -5, expected an integer >= 0",
    ),
    "bad-status": (
        setitem("drill_attempts.0", "status", "won"),
        'drill_attempts[0].status is "won", expected one of pass',
    ),
    "bad-drill-id": (
        setitem("drill_attempts.0", "drill_id", "../x"),
        'drill_attempts[0].drill_id is "../x", expected a drill id',
    ),
    "negative-hint-stage": (
        setitem("hint_stages.0", "stage", -1),
        "hint_stages[0].stage is -1, expected an integer >= 0",
    ),
    "last-entry-bad": (last_review_bad, "reviews[9].rating is 9"),
    "three-problems": (
        edit(
            lambda d: [
                d["reviews"][0].update(rating=0),
                d["reviews"][2].update(rating=9),
                d["cards"][1].update(due="soon"),
            ]
        ),
        'cards[1].due is "soon", expected a time like 2026-11-01T09:00:00.000000Z (2 more problems after it)',
    ),
}


@pytest.mark.parametrize("name", list(BAD_FILES), ids=list(BAD_FILES))
def test_a_bad_file_is_refused_in_one_line_and_changes_nothing(tmp_path, export_data, home_with_progress, name):
    make, expected = BAD_FILES[name]
    content = make(export_data)
    bad = tmp_path / "bad.json"
    if isinstance(content, bytes):
        bad.write_bytes(content)
    else:
        bad.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    before = state_of(home_with_progress)
    result = run_cli("progress", "import", str(bad))
    assert result.returncode == 1, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"llmprep: error: {bad}") and expected in lines[0], lines[0]
    assert "nothing was imported" in lines[0] and "(fix: " in lines[0]
    assert state_of(home_with_progress) == before


def test_a_missing_file_is_named(tmp_path, home_with_progress):
    before = state_of(home_with_progress)
    result = run_cli("progress", "import", str(tmp_path / "nowhere.json"))
    assert result.returncode == 1 and result.stderr.strip().splitlines() == [
        f"llmprep: error: {tmp_path / 'nowhere.json'} does not exist (fix: give the path of a file made by "
        "`llmprep progress export`)"
    ]
    assert state_of(home_with_progress) == before


def test_the_good_file_imports(tmp_path, export_data, home_with_progress):
    good = tmp_path / "good.json"
    good.write_text(json.dumps(export_data), encoding="utf-8")
    done = run_cli("progress", "import", str(good))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "imported 2 cards, 3 reviews, 1 drill attempts, 1 hint stages"
    again = run_cli("progress", "import", str(good))
    assert again.stdout.strip() == "imported 0 cards, 0 reviews, 0 drill attempts, 0 hint stages"


def test_ids_not_in_this_bank_are_kept_and_named(tmp_path, export_data, home_with_progress):
    data = setitem("cards.0", "question_id", "attention/from-a-newer-bank")(export_data)
    data["drill_attempts"][0]["drill_id"] = "future_drill"
    path = tmp_path / "newer.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    done = run_cli("progress", "import", str(path))
    assert done.returncode == 0, done.stderr
    assert (
        "(2 id(s) not in this bank, kept for when they are: attention/from-a-newer-bank, future_drill)" in done.stdout
    )
    assert "attention/from-a-newer-bank" in card_store.cards(open_store())


def test_a_version_1_file_is_still_read(tmp_path, export_data, home_with_progress):
    old = {k: v for k, v in export_data.items() if k != "hint_stages"} | {"version": 1}
    path = tmp_path / "v1.json"
    path.write_text(json.dumps(old), encoding="utf-8")
    done = run_cli("progress", "import", str(path))
    assert done.returncode == 0, done.stderr
    assert "imported 2 cards, 3 reviews, 1 drill attempts, 0 hint stages" in done.stdout


def test_hint_stages_travel_with_the_export(tmp_path, monkeypatch):
    first = tmp_path / "laptop"
    monkeypatch.setenv("LLMPREP_HOME", str(first))
    for _ in range(2):
        assert run_cli("hint", "softmax").returncode == 0
    out = tmp_path / "progress.json"
    assert run_cli("progress", "export", str(out)).returncode == 0
    assert json.loads(out.read_text())["hint_stages"][0] | {"updated_at": None} == {
        "drill_id": "softmax",
        "stage": 2,
        "updated_at": None,
    }
    monkeypatch.setenv("LLMPREP_HOME", str(tmp_path / "desktop"))
    assert "0 hint stages" not in run_cli("progress", "import", str(out)).stdout
    shown = run_cli("hint", "softmax", "--again").stdout
    assert "hint 2/" in shown and "hint 3/" not in shown
    # the more recent change wins: a reset on this machine is kept when the older export comes again
    assert "hint 1/" in run_cli("hint", "softmax", "--reset").stdout
    assert "1 hint stages" not in run_cli("progress", "import", str(out)).stdout
    assert "hint 2/" not in run_cli("hint", "softmax", "--again").stdout

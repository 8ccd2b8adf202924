"""`llmprep stats`: the numbers follow from the stored reviews and cards."""

import json
from datetime import date, datetime, timedelta, timezone

from llmprep.quiz.stats import streak
from llmprep.store import cards as card_store
from llmprep.store import open_store
from tests.helpers import concept, make_bank, run_cli


def test_streak_counts_consecutive_days():
    today = date(2026, 11, 23)
    days = {today - timedelta(days=n) for n in (0, 1, 2, 4)}
    assert streak(days, today) == 3
    assert streak(days - {today}, today) == 2  # today still open: yesterday's run counts
    assert streak(set(), today) == 0


def test_stats_json_reflects_the_store(tmp_path):
    bank = make_bank(
        tmp_path / "q",
        {
            "t/a.yaml": [
                concept("attention/a"),
                concept("attention/b"),
                concept("normalization/c", topic="normalization"),
            ]
        },
    )
    store = open_store()
    now = datetime.now(timezone.utc)
    due_now = {
        "card_id": 1,
        "state": 2,
        "step": None,
        "stability": 10.0,
        "difficulty": 5.0,
        "due": (now - timedelta(hours=1)).isoformat(),
        "last_review": (now - timedelta(days=2)).isoformat(),
    }
    later = {**due_now, "state": 1, "step": 0, "due": (now + timedelta(days=3)).isoformat()}
    for qid, card, ok in (("attention/a", due_now, True), ("attention/b", later, False), ("gone/removed", later, True)):
        card_store.record(store, card_store.Review(qid, 3 if ok else 1, now, 500, "choice", "B", ok), None, card)
    store.record_attempt("attention", "pass")
    store.close()
    result = run_cli("stats", "--json", env={"LLMPREP_BANK": str(bank)})
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["cards"] == {"new": 1, "learning": 1, "review": 1}  # the removed question's card is ignored
    assert data["due_today"] == 1 and sum(data["forecast_14d"]) == 2 and data["forecast_14d"][3] == 1
    assert data["accuracy"] == {"choice": {"correct": 1, "checked": 2}}
    assert data["streak_days"] == 1 and data["reviews_total"] == 3
    assert 0 < data["mastery"]["attention"] < 1 and data["mastery"]["normalization"] == 0
    assert data["drills_passed"] == ["attention"]
    assert len(data["calendar"]) == 84 and data["calendar"][now.astimezone().date().isoformat()] == 3
    text = run_cli("stats", env={"LLMPREP_BANK": str(bank)}).stdout
    assert "new 1 · learning 1 · review 1" in text and "Drills passed  1: attention" in text

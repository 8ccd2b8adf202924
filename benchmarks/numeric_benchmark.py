"""The numeric judge measured like a model: confusion table per corpus split, and slip naming.

Corpora: tests/quiz/corpus/tune/numeric.yaml (the judge is tuned on it) and
tests/quiz/corpus/heldout/numeric*.yaml (never tuned on). Entries are typed answers labelled correct or
wrong; `kind` says which form or which slip (format: tests/quiz/corpus/*/numeric.yaml header).
Target (issue 8): >= 95% of correct entries judged correct and >= 95% of wrong entries not judged
correct, per split; an AnswerFormatError on a correct entry is a miss.
Run: python benchmarks/numeric_benchmark.py [--misses]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from llmprep.bank import load_bank  # noqa: E402
from llmprep.quiz import numeric  # noqa: E402
from llmprep.quiz.judge import AnswerFormatError, judge  # noqa: E402

SPLITS = {"tune": REPO / "tests/quiz/corpus/tune", "held-out": REPO / "tests/quiz/corpus/heldout"}
VERDICTS = ("correct", "partial", "wrong", "format")
SLIP_KINDS = {"slip-x2": "x2", "slip-1000-1024": "1000-1024", "slip-x8": "x8", "slip-power-of-ten": "pow10"}


def evaluate(paths: list[Path], questions: dict) -> list[dict]:
    """One row per entry: the entry, the verdict (or 'format'), the slip named and the message."""
    rows = []
    for entry in (e for path in paths for e in yaml.safe_load(path.read_text(encoding="utf-8"))["answers"]):
        q = questions[entry["id"]]
        try:
            verdict = judge(q, str(entry["text"]), entry.get("lang", "en"))
            slip = numeric.diagnose(q, verdict.parsed) if verdict.verdict != "correct" else None
            rows.append(
                {**entry, "verdict": verdict.verdict, "slip": slip.code if slip else None, "message": verdict.message}
            )
        except AnswerFormatError as err:
            rows.append({**entry, "verdict": "format", "slip": None, "message": str(err)})
    return rows


def report(name: str, paths: list[Path], rows: list[dict], misses: bool) -> None:
    table = Counter((r["label"], r["verdict"]) for r in rows)
    files = ", ".join(p.name for p in paths)
    print(f"\n== {name}: {files} ({len(rows)} entries, {len({r['id'] for r in rows})} questions)")
    print(f"{'label / verdict':16}" + "".join(f"{v:>9}" for v in VERDICTS) + f"{'total':>9}")
    for label in ("correct", "wrong"):
        n = sum(table[label, v] for v in VERDICTS)
        print(f"{label:16}" + "".join(f"{table[label, v]:>9}" for v in VERDICTS) + f"{n:>9}")
    right = [r for r in rows if r["label"] == "correct"]
    wrong = [r for r in rows if r["label"] == "wrong"]
    accepted = sum(r["verdict"] == "correct" for r in right)
    rejected = sum(r["verdict"] != "correct" for r in wrong)
    print(f"correct entries judged correct:     {accepted}/{len(right)} = {accepted / max(1, len(right)):.1%}")
    print(f"wrong entries not judged correct:   {rejected}/{len(wrong)} = {rejected / max(1, len(wrong)):.1%}")
    print(f"accuracy (correct vs not correct):  {(accepted + rejected) / max(1, len(rows)):.1%}")
    slips = [r for r in rows if r["kind"] in SLIP_KINDS]
    named = Counter(r["kind"] for r in slips if r["slip"] == SLIP_KINDS[r["kind"]])
    total = Counter(r["kind"] for r in slips)
    parts = ", ".join(f"{kind} {named[kind]}/{total[kind]}" for kind in SLIP_KINDS if total[kind])
    print(
        f"slip named (kind slip-*):           {sum(named.values())}/{len(slips)} = "
        f"{sum(named.values()) / max(1, len(slips)):.1%}  ({parts})"
    )
    by_kind = Counter(r["kind"] for r in rows)
    ok_kind = Counter(r["kind"] for r in rows if (r["verdict"] == "correct") == (r["label"] == "correct"))
    print("by kind: " + ", ".join(f"{k} {ok_kind[k]}/{by_kind[k]}" for k in sorted(by_kind)))
    if misses:
        for r in rows:
            bad = (r["verdict"] == "correct") != (r["label"] == "correct")
            unnamed = r["kind"] in SLIP_KINDS and r["slip"] != SLIP_KINDS[r["kind"]]
            if bad or unnamed:
                print(
                    f"  {'MISS' if bad else 'SLIP'} {r['id']} {r['label']}/{r['kind']} {r['text']!r} -> "
                    f"{r['verdict']} {r['slip'] or ''}: {r['message']}"
                )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list misjudged entries and unnamed slips")
    args = parser.parse_args()
    questions = load_bank().questions
    for name, folder in SPLITS.items():
        paths = sorted(folder.glob("numeric*.yaml"))
        report(name, paths, evaluate(paths, questions), args.misses)


if __name__ == "__main__":
    main()

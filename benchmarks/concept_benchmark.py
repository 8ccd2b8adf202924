"""The concept judge on the labelled answer corpus: a confusion table per split (tune, held-out).

Target (issue 8): on the held-out part, >= 95% of correct answers judged `correct` and >= 95% of
wrong answers judged otherwise. Run: python benchmarks/concept_benchmark.py [--misjudged] [--split tune] [--file NAME]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "quiz"))

from judge_corpus import LABELS, SPLITS, evaluate, load  # noqa: E402

from llmprep.bank import load_bank  # noqa: E402
from llmprep.quiz.judge import VERDICTS  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misjudged", action="store_true", help="list every misjudged answer")
    parser.add_argument("--split", choices=SPLITS, action="append", help="only this split (repeatable)")
    parser.add_argument("--file", default="", help="only corpus files whose name contains this text")
    args = parser.parse_args()
    questions = load_bank().questions
    for split in args.split or SPLITS:
        entries = [e for e in load(split, questions=questions) if args.file in e.file]
        started = time.perf_counter()
        table = evaluate(entries, questions)
        ms = (time.perf_counter() - started) * 1000 / max(1, len(entries))
        print(f"\n{split}: {len(entries)} answers to {len({e.id for e in entries})} questions ({ms:.2f} ms per answer)")
        print(f"{'label':<10}" + "".join(f"{v:>10}" for v in VERDICTS) + f"{'accuracy':>11}")
        for label in LABELS:
            row = "".join(f"{table.counts[(label, v)]:>10}" for v in VERDICTS)
            print(f"{label:<10}{row}{table.accuracy(label):>10.1%}")
        kinds = Counter(e.kind for e, _ in table.misjudged)
        if kinds:
            print("misjudged by kind: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()))
        if args.misjudged:
            for entry, said in table.misjudged:
                print(f"  {entry.id} [{entry.lang}/{entry.label}/{entry.kind}] -> {said}: {entry.text.strip()[:140]!r}")


if __name__ == "__main__":
    main()

"""The concept judge on the labelled answer corpus: a confusion table per split (tune, held-out).

Target (issue 8): on the held-out part, >= 95% of correct answers judged `correct` and >= 95% of
wrong answers judged otherwise. Each answer is judged without the reviewed examples of its own
writing round; `--key-points-only` leaves every example out (the judge before examples.py).
Held-out is counted by its audited labels and by the labels its writers gave.
Run: python benchmarks/concept_benchmark.py [--misjudged] [--split tune] [--file NAME] [--key-points-only]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "quiz"))

from judge_corpus import LABELS, SPLITS, Table, judged, load, tabulate  # noqa: E402

from llmprep.bank import load_bank  # noqa: E402
from llmprep.quiz.judge import VERDICTS  # noqa: E402


def print_table(title: str, table: Table, misjudged: bool) -> None:
    print(f"\n{title}")
    print(f"{'label':<10}" + "".join(f"{v:>10}" for v in VERDICTS) + f"{'accuracy':>11}")
    for label in LABELS:
        row = "".join(f"{table.counts[(label, v)]:>10}" for v in VERDICTS)
        print(f"{label:<10}{row}{table.accuracy(label):>10.1%}")
    kinds = Counter(e.kind for e, _ in table.misjudged)
    if kinds:
        print("misjudged by kind: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()))
    if misjudged:
        for entry, said in table.misjudged:
            print(f"  {entry.id} [{entry.lang}/{entry.label}/{entry.kind}] -> {said}: {entry.text.strip()[:140]!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misjudged", action="store_true", help="list every misjudged answer")
    parser.add_argument("--split", choices=SPLITS, action="append", help="only this split (repeatable)")
    parser.add_argument("--file", default="", help="only corpus files whose name contains this text")
    parser.add_argument("--key-points-only", action="store_true", help="judge without the reviewed examples")
    args = parser.parse_args()
    questions = load_bank().questions
    for split in args.split or SPLITS:
        entries = [e for e in load(split, questions=questions) if args.file in e.file]
        started = time.perf_counter()
        said = judged(entries, questions, examples=not args.key_points_only)
        ms = (time.perf_counter() - started) * 1000 / max(1, len(entries))
        head = f"{split}: {len(entries)} answers to {len({e.id for e in entries})} questions ({ms:.2f} ms per answer)"
        print_table(head, tabulate(entries, said), args.misjudged)
        relabelled = sum(e.label != e.writer_label for e in entries)
        if relabelled:
            print_table(
                f"{split}, by the writers' labels ({relabelled} differ after the audit)",
                tabulate(entries, said, "writer_label"),
                False,
            )


if __name__ == "__main__":
    main()

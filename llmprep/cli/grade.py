"""`llmprep grade FILE`: grade a drill file in a child process; exit 0 pass, 1 fail or error, 2 usage."""

import os
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from llmprep.cli.options import Lang, resolve_lang, state


def command(
    file: Annotated[Path, typer.Argument(help="Your drill file, e.g. attention.py.")],
    drill: Annotated[
        Optional[str],
        typer.Option("--drill", help="The drill id (default: the `# llmprep: ID` header, else the file name)."),
    ] = None,
    device: Annotated[str, typer.Option("--device", help="auto (CUDA when present), cpu or cuda.")] = "auto",
    seed: Annotated[
        Optional[int],
        typer.Option("--seed", help="Replay one printed base seed (recorded as a replay, never as a pass)."),
    ] = None,
    json_: Annotated[bool, typer.Option("--json", help="Print the versioned result as JSON.")] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", help="Every case in detail, and tracebacks for errors.")
    ] = False,
    lang: Lang = None,
) -> None:
    """Grade your drill file against the hidden reference (exit 0: every case passed)."""
    from llmprep.grading.runner import LearnerProcess

    path = file.expanduser().resolve()
    learner = LearnerProcess(path, device) if path.is_file() and device in ("auto", "cpu", "cuda") else None
    from llmprep.grading import grade_file, record_result

    state.verbose = state.verbose or verbose
    result = grade_file(file, drill, device=device, seed=seed, learner=learner)  # torch loads there meanwhile
    if json_:
        typer.echo(result.to_json(indent=2))
    else:
        from rich.console import Console

        from llmprep.grading import render_result

        Console().print(render_result(result, verbose=state.verbose, lang=resolve_lang(lang)))
    record_result(result)  # after showing it: a broken store must not hide the result
    if result.diagnosis and not json_:
        _review_the_mistake(result.drill, result.diagnosis.key, resolve_lang(lang))
    code = 0 if result.status == "pass" else 1
    if sys.stdout is sys.__stdout__:  # a real process, not a test runner: skip torch's teardown (~0.5 s)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    if code:
        raise typer.Exit(code)


def _review_the_mistake(drill_id: str, mistake: str, lang: str) -> None:
    """The misconception comes back: its concept question now, a redo of the drill tomorrow."""
    from datetime import datetime, timezone

    from llmprep.bank import load_bank
    from llmprep.drills.registry import load_drill
    from llmprep.store import open_store
    from llmprep.study.mistakes import schedule

    store = open_store()
    try:
        planned = schedule(store, load_bank(), load_drill(drill_id), mistake, datetime.now(timezone.utc))
    finally:
        store.close()
    if planned:
        ids = ", ".join(question_id for question_id, _ in planned)
        typer.echo(
            f"复习已安排：{ids}（`llmprep quiz`）" if lang == "zh" else f"scheduled for review: {ids} (`llmprep quiz`)"
        )

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
    code = 0 if result.status == "pass" else 1
    if sys.stdout is sys.__stdout__:  # a real process, not a test runner: skip torch's teardown (~0.5 s)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(code)
    if code:
        raise typer.Exit(code)

"""The llmprep command line: small command modules joined here, errors caught once at the edge."""

import sys
from typing import Annotated, Optional

import typer

from llmprep.cli import (  # coding drills
    bench,
    check,
    dev,
    drills,
    export,
    grade,
    hint,
    list_,
    marks,
    mock,
    next_,
    progress,
    quiz,
    search,
    sets,
    show,
    solution,
    start,
    stats,
    topics,
    watch,
)
from llmprep.cli.options import Lang, state
from llmprep.errors import LlmprepError

app = typer.Typer(
    name="llmprep",
    help="A tutor for LLM interviews: browse the bank, quiz yourself, grade PyTorch drills.",
    invoke_without_command=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def _global(
    ctx: typer.Context,
    lang: Lang = None,
    verbose: Annotated[bool, typer.Option("--verbose", help="Show tracebacks for errors.")] = False,
) -> None:
    state.lang = lang
    state.verbose = state.verbose or verbose
    if ctx.invoked_subcommand is None:  # bare `llmprep`: what to do now (`llmprep --help` lists commands)
        next_.command(json_=False, lang=None)


app.command("list")(list_.command)
app.command("show")(show.command)
app.command("search")(search.command)
app.command("sets")(sets.command)
app.command("topics")(topics.command)
app.command("next")(next_.command)
app.command("quiz")(quiz.command)
app.command("check")(check.command)
app.command("mock")(mock.command)
app.command("stats")(stats.command)
app.command("suspend")(marks.suspend)
app.command("flag")(marks.flag)
app.add_typer(progress.app, name="progress")
app.add_typer(export.app, name="export")
app.command("drills")(drills.command)
app.command("start")(start.command)
app.command("grade")(grade.command)
app.command("watch")(watch.command)
app.command("bench")(bench.command)
app.command("hint")(hint.command)
app.command("solution")(solution.command)
app.add_typer(dev.app, name="dev")


def main(argv: Optional[list[str]] = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    state.verbose = "--verbose" in args
    try:
        # standalone: click itself turns bad usage into exit 2 and Ctrl-C into "Aborted!" and exit 1
        app(args=args, prog_name="llmprep")
    except LlmprepError as err:
        if state.verbose:
            import traceback

            traceback.print_exc()
        print(f"llmprep: error: {err}", file=sys.stderr)
        sys.exit(err.exit_code)

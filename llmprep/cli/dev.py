"""`llmprep dev check`: validate the whole bank (and the drills) for authors and CI."""

import typer

app = typer.Typer(help="Checks for question and drill authors.", no_args_is_help=True)


@app.command("check")
def check() -> None:
    """Validate every question file; print each problem on one line with file:line and the fix."""
    from llmprep import paths
    from llmprep.bank.loader import check_bank
    from llmprep.drills import drill_ids

    bank, problems = check_bank(paths.bank_dir(), drill_ids())
    for problem in problems:
        typer.echo(str(problem), err=True)
    typer.echo(f"bank: {len(bank.questions)} questions, {len(problems)} problem(s)")
    if problems:
        raise typer.Exit(1)

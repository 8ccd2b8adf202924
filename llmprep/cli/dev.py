"""`llmprep dev check`: validate the whole bank (and the drills) for authors and CI."""

import typer

app = typer.Typer(help="Checks for question and drill authors.", no_args_is_help=True)


@app.command("check")
def check(
    drills: bool = typer.Option(
        True, "--drills/--no-drills", help="Also self-check every drill on 5 seeds (needs torch, ~30 s)."
    ),
) -> None:
    """Validate every question file and drill; print each problem on one line with file:line and the fix."""
    from llmprep import paths
    from llmprep.bank.loader import check_bank
    from llmprep.drills import drill_ids

    bank, problems = check_bank(paths.bank_dir(), drill_ids())
    problems += (_key_point_problems(bank) + _review_problems(bank) + _balance_problems(bank)) if not problems else []
    for problem in problems:
        typer.echo(str(problem), err=True)
    typer.echo(f"bank: {len(bank.questions)} questions, {len(problems)} problem(s)")
    failed = bool(problems)
    if drills:
        failed = _check_drills() or failed
    if failed:
        raise typer.Exit(1)


def _key_point_problems(bank) -> list:
    """Key points that their own text does not tick, reference answers not judged correct."""
    from llmprep.quiz.concept import self_check
    from llmprep.yamlnode import Problem

    fix = "add the missing synonyms to `requires` (see questions/README.md, Key points)"
    return [
        Problem(q.file, q.line, message, fix, q.id)
        for q in bank.questions.values()
        if q.type == "concept"
        for message in self_check(q)
    ]


def _balance_problems(bank) -> list:
    """Size, topics, machine-checked share, difficulty spread, answer letters and lengths; prints the figures."""
    from llmprep.bank.balance import measure
    from llmprep.yamlnode import Problem

    balance = measure(bank)
    typer.echo(balance.summary())
    fix = "add or rebalance questions (questions/README.md, Balance)"
    return [Problem("questions", 0, message, fix) for message in balance.problems()]


def _review_problems(bank) -> list:
    """drill.yaml `review`: each key a known mistake of the drill, each value a question answered in words."""
    from llmprep.drills.registry import check_drills
    from llmprep.study.mistakes import mistake_keys
    from llmprep.yamlnode import Problem

    problems = []
    for drill in check_drills()[0].values():
        where = f"solutions/{drill.id}/drill.yaml"
        known = mistake_keys(drill.cases) if drill.review else set()
        for mistake, question_id in drill.review.items():
            if mistake not in known:
                problems.append(
                    Problem(
                        where,
                        1,
                        f"review names {mistake!r}, which is no mistake of cases.py",
                        f"use one of: {', '.join(sorted(known))}",
                        drill.id,
                    )
                )
            q = bank.questions.get(question_id)
            if q is None or q.type == "code":
                problems.append(
                    Problem(
                        where,
                        1,
                        f"review links {mistake!r} to {question_id!r}, no concept, choice or numeric question",
                        "link a question id from `llmprep list`",
                        drill.id,
                    )
                )
    return problems


def _check_drills() -> bool:
    """Drill metadata, stubs and signatures, then references, stubs and mistakes run for real."""
    from llmprep.grading.selfcheck import check_all

    report = check_all()
    for problem in report.problems:
        typer.echo(str(problem), err=True)
    typer.echo(
        f"drills: {report.drills} drills, {report.cases} cases, {report.mistakes} mistakes named, "
        f"{len(report.problems)} problem(s) in {report.seconds:.1f} s"
    )
    return bool(report.problems)


@app.command("manifest")
def manifest() -> None:
    """Write solutions/MANIFEST.sha256 (the checksums the grader trusts) after editing a reference or cases.py."""
    from llmprep import paths
    from llmprep.drills.manifest import MANIFEST, build

    root = paths.solutions_dir()
    text = build(root)
    (root / MANIFEST).write_text(text, encoding="utf-8")
    typer.echo(f"wrote {root / MANIFEST}: {len(text.splitlines())} files")

"""`llmprep start ID`: write the drill's stub (`ID.py`) to work on; never overwrite without --force."""

from pathlib import Path
from typing import Annotated

import typer

from llmprep.errors import LlmprepError


def command(
    drill_id: Annotated[str, typer.Argument(metavar="ID", help="A drill id, e.g. attention (see `llmprep drills`).")],
    dir_: Annotated[Path, typer.Option("--dir", help="Folder to write ID.py into.")] = Path("."),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file (a backup is kept).")] = False,
    hard: Annotated[
        bool, typer.Option("--hard", help="Only the summary, shapes and signature: find the traps yourself.")
    ] = False,
) -> None:
    """Write the stub of a drill: task, shapes, an example, the signature to fill in."""
    from llmprep.drills.registry import load_drill

    drill = load_drill(drill_id)
    stub = drill.stub(hard=hard)
    target = dir_.expanduser() / f"{drill.id}.py"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            if not force:
                raise LlmprepError(
                    f"{target} already exists (your work?); it was left untouched",
                    fix=f"grade it with `llmprep grade {target}`, or `llmprep start {drill.id} --force` "
                    "to start over (a backup is kept)",
                )
            backup = _backup_name(target)
            import shutil

            shutil.copy2(target, backup)
            typer.echo(f"kept your previous file as {backup}")
        target.write_text(stub, encoding="utf-8")
    except OSError as err:
        raise LlmprepError(f"cannot write {target} ({err.strerror})", fix="choose another folder with --dir") from None
    typer.echo(f"wrote {target}: implement {drill.signature}")
    typer.echo(f"then run: llmprep grade {target}")


def _backup_name(target: Path) -> Path:
    for n in range(1, 1000):
        candidate = target.with_name(f"{target.name}.bak{'' if n == 1 else n}")
        if not candidate.exists():
            return candidate
    raise LlmprepError(f"too many backups of {target}", fix=f"delete old {target.name}.bak* files")

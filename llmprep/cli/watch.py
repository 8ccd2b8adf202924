"""`llmprep watch FILE`: grade on every save; one status line and the first failure each time."""

import time
from pathlib import Path
from typing import Annotated, Optional

import typer

from llmprep.cli.options import Lang, resolve_lang
from llmprep.errors import UsageError

POLL_S = 0.5  # the fallback where inotify is missing


def command(
    file: Annotated[Path, typer.Argument(help="Your drill file, e.g. attention.py.")],
    drill: Annotated[
        Optional[str], typer.Option("--drill", help="The drill id (default: the file's header or name).")
    ] = None,
    device: Annotated[str, typer.Option("--device", help="auto, cpu or cuda.")] = "auto",
    poll: Annotated[
        bool, typer.Option("--poll", help="Poll the file instead of inotify (network or container mounts).")
    ] = False,
    lang: Lang = None,
) -> None:
    """Re-grade FILE whenever it is saved; Ctrl-C stops with a summary."""
    from rich.console import Console

    lang = resolve_lang(lang)
    if not file.is_file():
        raise UsageError(f"no file {file}", fix=f"write one with `llmprep start {drill or file.stem}`")
    console = Console(highlight=False)
    grades, passes, started = 0, 0, time.monotonic()
    console.print(f"watching {file} (Ctrl-C stops)" if lang == "en" else f"正在监视 {file}（Ctrl-C 停止）")
    try:
        for _ in _saves(file, poll):
            passed = _grade_once(console, file, drill, device, lang)
            grades, passes = grades + 1, passes + passed
    except KeyboardInterrupt:
        pass
    minutes = (time.monotonic() - started) / 60
    console.print(
        f"\n{grades} grade(s), {passes} passed, {minutes:.1f} min"
        if lang == "en"
        else f"\n评测 {grades} 次，通过 {passes} 次，用时 {minutes:.1f} 分钟"
    )


def _saves(file: Path, poll: bool):
    """Yield once at the start, then once per change of the file (a save that rewrites it counts once)."""
    yield
    if not poll:
        try:
            from watchfiles import watch

            for changes in watch(
                file.parent, watch_filter=lambda _, path: Path(path) == file.resolve(), debounce=300, rust_timeout=1000
            ):
                if changes and file.exists():
                    yield
            return
        except (OSError, RuntimeError):  # no inotify (or its watch limit reached): poll instead
            pass
    stamp = _stamp(file)
    while True:
        time.sleep(POLL_S)
        now = _stamp(file)
        if now != stamp and now is not None:
            stamp = now
            yield


def _stamp(file: Path):
    try:
        stat = file.stat()
    except OSError:
        return None
    return stat.st_mtime_ns, stat.st_size


def _grade_once(console, file: Path, drill: Optional[str], device: str, lang: str) -> bool:
    from llmprep.errors import LlmprepError
    from llmprep.grading import grade_file, record_result

    try:
        result = grade_file(file, drill, device=device)
    except LlmprepError as err:  # e.g. an unknown drill: say it and keep watching
        console.print(f"[red]{err}[/]")
        return False
    record_result(result)
    stamp = time.strftime("%H:%M:%S")
    failing = [c for c in result.cases if c.status != "pass"]
    if result.status == "pass":
        console.print(f"[green]{stamp} PASS[/] {result.drill}: {len(result.cases)} cases")
        return True
    console.print(
        f"[red]{stamp} {result.status.upper()}[/] {result.drill}: "
        f"{len(result.cases) - len(failing)}/{len(result.cases)} cases pass"
    )
    first = result.message or (f"{failing[0].name}: {failing[0].message}" if failing else "")
    if first:
        from rich.text import Text

        console.print(Text("  " + first.splitlines()[0]))
    return False

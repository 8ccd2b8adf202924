"""Options shared by several commands, and the global state the app callback sets."""

import os
from typing import Annotated, Optional

import typer

from llmprep.errors import UsageError

LANGS = ("en", "zh")

Lang = Annotated[
    Optional[str],
    typer.Option("--lang", help="Language of questions and answers: en or zh (default: $LLMPREP_LANG, else en)."),
]


class GlobalState:
    lang: Optional[str] = None
    verbose: bool = False


state = GlobalState()


def resolve_lang(command_lang: Optional[str] = None) -> str:
    """The command's --lang, else the global --lang, else $LLMPREP_LANG, else en."""
    lang = command_lang or state.lang or os.environ.get("LLMPREP_LANG") or "en"
    if lang not in LANGS:
        raise UsageError(f"unknown language {lang!r}", fix="use --lang en or --lang zh")
    return lang

"""Where the bank, the references and the learner's data live.

An installed wheel carries questions/, answers/ and solutions/ under llmprep/_data; a source checkout keeps
them beside the package. LLMPREP_BANK points at another bank (tests, benchmarks); LLMPREP_HOME
holds progress and caches instead of the platform's user directories.
"""

import os
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def _data_dir(name: str) -> Path:
    installed = _PACKAGE / "_data" / name
    return installed if installed.is_dir() else _PACKAGE.parent / name


def bank_dir() -> Path:
    override = os.environ.get("LLMPREP_BANK")
    return Path(override).resolve() if override else _data_dir("questions")


def solutions_dir() -> Path:
    return _data_dir("solutions")


def answers_dir() -> Path:
    return _data_dir("answers")


def home_dir() -> Path:
    override = os.environ.get("LLMPREP_HOME")
    if override:
        return Path(override)
    from platformdirs import user_data_dir

    return Path(user_data_dir("llmprep", appauthor=False))


def cache_dir() -> Path:
    override = os.environ.get("LLMPREP_HOME")
    if override:
        return Path(override) / "cache"
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("llmprep", appauthor=False))

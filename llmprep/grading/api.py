"""What a drill's cases.py builds: cases to run and known mistakes to recognise.

Plain dataclasses, importable without torch; the grader fills them with tensors at grading time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

KINDS = ("example", "hidden", "edge")


@dataclass
class Case:
    """One call of the learner's entry point (or of a module built with `init`, then called with args)."""

    name: str
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    kind: str = "hidden"
    init: tuple | None = None  # module drills: constructor arguments
    note: str = ""  # what this case probes, shown when it fails ("masked rows", "logits near 1e4")


@dataclass(frozen=True)
class Mistake:
    """A known wrong implementation with the same signature as the entry point, and its name."""

    key: str
    message: str  # e.g. "forgot the 1/sqrt(d_k) scale"
    impl: Callable[..., Any]

"""Grading a learner's drill file against the hidden reference.

Import-light: nothing here imports torch; `grade_file` does, on the trusted side, while the learner's
file runs in its own sandboxed process (runner.py, child/). Entry points for the CLI and the quiz:
`grade_file` (a result object), `record_result` (into the progress store) and `render_result`
(rich renderables).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmprep.grading.result import GradeResult
    from llmprep.store import Store


def grade_file(
    path: Path, drill_id: str | None = None, *, device: str = "auto", seed: int | None = None, **options
) -> "GradeResult":
    """Grade one file; raises UsageError for a missing file or an unknown drill. See grader.grade."""
    import warnings

    # torch warns at import when NumPy is absent, which llmprep never needs: one line of output stays one
    warnings.filterwarnings("ignore", message="Failed to initialize NumPy")
    from llmprep.grading.grader import grade

    return grade(Path(path), drill_id, device=device, seed=seed, **options)


def record_result(result: "GradeResult", store: "Store | None" = None) -> None:
    """Record one attempt in the progress store (opened and closed here unless given); a replayed seed
    that passes is not recorded (only the standard grade, on several seeds, records a pass)."""
    from llmprep.drills.stub import is_hard
    from llmprep.store import open_store

    if result.record_status is None:
        return
    own = store is None
    store = store or open_store()
    try:
        store.record_attempt(
            result.drill,
            result.record_status,
            file=result.file,
            device=result.device,
            seed=result.seed,
            duration_s=result.duration_s,
            result_json=result.to_json(),
            mode="hard" if is_hard(result.file) else "normal",
            hints=store.hint_stage(result.drill),
        )
    finally:
        if own:
            store.close()


def render_result(result: "GradeResult", *, verbose: bool = False, lang: str = "en"):
    """A rich renderable for a result (see report.py)."""
    from llmprep.grading.report import render

    return render(result, verbose=verbose, lang=lang)


__all__ = ["grade_file", "record_result", "render_result"]

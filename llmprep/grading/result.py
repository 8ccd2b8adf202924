"""The grader's result: plain data (no torch), rendered by report.py, printed by --json, stored."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

RESULT_VERSION = 1
STATUSES = ("pass", "fail", "error")


@dataclass
class CaseResult:
    """One case in one dtype. status: pass | fail (a wrong answer or an exception in the learner's code)
    | error (the grader could not finish it: timeout, crash, memory, exit)."""

    name: str
    status: str
    kind: str = "hidden"
    dtype: str | None = None
    message: str = ""
    call: str = ""  # the call replayed with shapes
    note: str = ""
    max_abs_err: float | None = None
    max_rel_err: float | None = None
    seed: int | None = None
    duration_s: float = 0.0
    mismatch_map: dict | None = None  # {"title": str, "rows": [str]}: '#' mismatch, '.' match, '!' NaN/Inf
    diagnosis: dict | None = None  # {"key": str, "message": str}
    traceback: str = ""  # the learner's own frames, when their code raised (shown with --verbose)


@dataclass
class GradeResult:
    drill: str
    file: str
    status: str  # pass | fail | error
    device: str = "cpu"
    seed: int | None = None
    duration_s: float = 0.0
    message: str = ""  # a problem before or outside the cases (syntax error, missing name, crash)
    cases: list[CaseResult] = field(default_factory=list)
    diagnosis: dict | None = None  # the known mistake the learner's output matches
    stdout: str = ""
    stderr: str = ""

    @property
    def passed(self) -> bool:
        return self.status == "pass"

    def to_dict(self) -> dict:
        return {"version": RESULT_VERSION, **asdict(self)}

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict) -> "GradeResult":
        data = dict(data)
        data.pop("version", None)
        data["cases"] = [CaseResult(**c) for c in data.get("cases", [])]
        return cls(**data)

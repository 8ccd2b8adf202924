"""The grader's result: plain data (no torch), rendered by report.py, printed by --json, stored."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields

RESULT_VERSION = 2
INVISIBLE = "\x7f\u200b\u200e\u200f\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
STATUSES = ("pass", "fail", "error")


@dataclass
class Diagnosis:
    """The known mistake the learner's outputs match."""

    key: str
    message: str


@dataclass
class CaseResult:
    """One case in one dtype for one seed. status: pass | fail (a wrong answer or an exception in the
    learner's code) | error (the grader could not finish it: timeout, crash, memory, exit)."""

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
    diagnosis: Diagnosis | None = None
    traceback: str = ""  # the learner's own frames, when their code raised (shown with --verbose)


@dataclass
class GradeResult:
    drill: str
    file: str
    status: str  # pass | fail | error
    device: str = "cpu"
    seed: int | None = None  # the first base seed (a failing case names its own)
    seeds: list[int] = field(default_factory=list)  # every base seed graded
    replay: bool = False  # --seed: one seed replayed; recorded as a replay, never as a pass
    sandbox: str = ""  # '' when the learner ran in the Landlock sandbox, else why it did not
    duration_s: float = 0.0
    message: str = ""  # a problem before or outside the cases (syntax error, missing name, crash)
    cases: list[CaseResult] = field(default_factory=list)
    diagnosis: Diagnosis | None = None  # the known mistake the learner's output matches
    stdout: str = ""
    stderr: str = ""

    @property
    def passed(self) -> bool:
        return self.status == "pass"

    @property
    def record_status(self) -> str | None:
        """What the progress store keeps: a replayed seed never counts as a pass (None: not recorded;
        the store has no `replay` status yet), a failing replay is an attempt like any other."""
        return None if self.replay and self.status == "pass" else self.status

    def to_dict(self) -> dict:
        return {"version": RESULT_VERSION, **asdict(self)}

    def to_json(self, indent: int | None = None) -> str:
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict) -> "GradeResult":
        data = {k: v for k, v in data.items() if k in {f.name for f in fields(cls)}}
        data["cases"] = [_case(c) for c in data.get("cases", [])]
        data["diagnosis"] = Diagnosis(**data["diagnosis"]) if data.get("diagnosis") else None
        return cls(**data)

    @classmethod
    def from_json(cls, text: str) -> "GradeResult":
        return cls.from_dict(json.loads(text))


def visible(text: str) -> str:
    """Control characters made visible (an escape sequence must never reach the terminal); newlines and
    tabs stay. Everything the learner's code can influence passes through here before it is shown."""
    return "".join(c if c in "\n\t" or (c.isprintable() and c not in INVISIBLE) else ascii(c)[1:-1] for c in text)


def _case(data: dict) -> CaseResult:
    data = {k: v for k, v in data.items() if k in {f.name for f in fields(CaseResult)}}
    data["diagnosis"] = Diagnosis(**data["diagnosis"]) if data.get("diagnosis") else None
    return CaseResult(**data)

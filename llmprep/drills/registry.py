"""The strict drill.yaml loader: YAML nodes (with line numbers) -> validated Drill records.

Reuses the bank loader's reader, so every problem names the file, the line, the drill id and the
fix. `load_drill` raises on the first problem; `check_drills` returns them all for `dev check`.
No torch here: listing drills and starting one stay fast.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from llmprep import paths
from llmprep.bank import schema as s
from llmprep.bank.loader import BankError, read_source, read_topics
from llmprep.drills import DRILL_FILE
from llmprep.errors import UsageError
from llmprep.yamlnode import Invalid, NodeReader, Problem, compose

FORMAT_VERSION = 1
DRILL_KINDS = ("function", "module")
DRILL_DTYPES = ("float32", "float64", "bfloat16", "float16")
REQUIRED = (
    "version",
    "id",
    "title",
    "topic",
    "difficulty",
    "entry",
    "kind",
    "signature",
    "dtypes",
    "cuda_dtypes",
    "tolerance",
    "grad",
    "forbidden",
    "hints",
    "source",
)
OPTIONAL = ("timeout_s", "prerequisites", "review")
REFERENCE_FILE = "reference.py"
CASES_FILE = "cases.py"
_BOOL = "tag:yaml.org,2002:bool"


@dataclass(frozen=True)
class Drill:
    id: str
    dir: Path
    title: s.Text
    topic: str
    difficulty: str
    entry: str
    kind: str
    signature: str
    dtypes: tuple[str, ...]
    cuda_dtypes: tuple[str, ...]
    tolerance: dict[str, tuple[float, float]] = field(hash=False)  # dtype -> (rtol, atol)
    grad: bool
    forbidden: tuple[str, ...]
    hints: tuple[s.Text, ...]
    source: s.Source
    timeout_s: float = 10.0
    prerequisites: tuple[str, ...] = ()  # drills to solve first: the curriculum order `next` follows
    review: dict[str, str] = field(default_factory=dict, hash=False)  # mistake key -> question to review

    @property
    def reference(self) -> Path:
        return self.dir / REFERENCE_FILE

    @property
    def cases(self) -> Path:
        return self.dir / CASES_FILE

    def stub(self, *, hard: bool = False) -> str:
        """The learner's starting file, generated from the reference's marked regions."""
        from llmprep.drills.stub import make_stub

        return make_stub(
            self.id, self.reference.read_text(encoding="utf-8"), f"solutions/{self.id}/reference.py", hard=hard
        )

    def job(self) -> dict:
        """What the grading worker needs, as plain JSON (the worker never reads YAML)."""
        return {
            "id": self.id,
            "dir": str(self.dir),
            "entry": self.entry,
            "kind": self.kind,
            "signature": self.signature,
            "dtypes": list(self.dtypes),
            "cuda_dtypes": list(self.cuda_dtypes),
            "tolerance": {k: list(v) for k, v in self.tolerance.items()},
            "grad": self.grad,
            "forbidden": list(self.forbidden),
            "timeout_s": self.timeout_s,
        }


class DrillError(BankError):
    """A drill's files are invalid; the message names file:line and the fix."""


def _bool(r: NodeReader, node: yaml.Node, what: str) -> bool:
    if isinstance(node, yaml.ScalarNode) and node.tag == _BOOL:
        return node.value.lower() in ("true", "yes", "on")
    raise r.invalid(node, f"{what} must be true or false", f"write `{what}: true` or `{what}: false`")


def _list(r: NodeReader, node: yaml.Node, what: str) -> list[yaml.Node]:
    """A list that may be empty (`[]`), unlike the bank's non-empty sequences."""
    if not isinstance(node, yaml.SequenceNode):
        raise r.invalid(node, f"{what} must be a list", f"write {what}: [a, b] or {what}: []")
    return node.value


def _tolerance(r: NodeReader, node: yaml.Node) -> dict[str, tuple[float, float]]:
    out = {}
    for name, (key, value) in r.mapping(node, "tolerance").items():
        r.choice(key, "tolerance dtype", DRILL_DTYPES)
        fields = r.mapping(value, f"tolerance.{name}")
        r.keys(value, fields, f"tolerance.{name}", required=("rtol", "atol"), optional=())
        rtol, atol = (r.number(fields[k][1], f"tolerance.{name}.{k}") for k in ("rtol", "atol"))
        if rtol < 0 or atol < 0:
            raise r.invalid(value, f"tolerance.{name} is negative", "give rtol and atol >= 0 (both 0: exact)")
        out[name] = (rtol, atol)
    return out


def read_drill(path: Path, topics: set[str]) -> Drill:
    """One drill folder's drill.yaml; raises Invalid with file:line on the first problem."""
    rel = path.relative_to(path.parent.parent.parent).as_posix()
    r = NodeReader(rel)
    r.qid = path.parent.name
    root = compose(path, rel)
    if root is None:
        raise Invalid(Problem(rel, 1, "empty file", "see solutions/README.md for the drill.yaml fields", r.qid))
    fields = r.mapping(root, "drill.yaml")
    r.keys(root, fields, "drill.yaml", required=REQUIRED, optional=OPTIONAL)

    def get(name):
        return fields[name][1]

    if r.number(get("version"), "version") != FORMAT_VERSION:
        raise r.invalid(get("version"), "unsupported drill format version", f"write `version: {FORMAT_VERSION}`")
    drill_id = r.string(get("id"), "id")
    if drill_id != path.parent.name:
        raise r.invalid(
            get("id"),
            f"id {drill_id!r} differs from its folder {path.parent.name!r}",
            f"write `id: {path.parent.name}` or rename the folder",
        )
    dtypes = tuple(r.choice(n, "dtype", DRILL_DTYPES) for n in _list(r, get("dtypes"), "dtypes"))
    cuda_dtypes = tuple(r.choice(n, "dtype", DRILL_DTYPES) for n in _list(r, get("cuda_dtypes"), "cuda_dtypes"))
    tolerance = _tolerance(r, get("tolerance"))
    for name in dtypes + cuda_dtypes:
        if name not in tolerance:
            raise r.invalid(
                get("tolerance"),
                f"no tolerance for dtype {name}",
                f"add `{name}: {{rtol: ..., atol: ...}}` under tolerance",
            )
    timeout = r.number(get("timeout_s"), "timeout_s") if "timeout_s" in fields else 10.0
    if not 0 < timeout <= 120:
        raise r.invalid(get("timeout_s"), "timeout_s must be in (0, 120]", "write e.g. `timeout_s: 10`")
    entry = r.string(get("entry"), "entry")
    if not entry.isidentifier():
        raise r.invalid(get("entry"), f"entry {entry!r} is not a Python name", "name the function or class")
    signature = r.string(get("signature"), "signature")
    if not signature.startswith((entry + "(", f"class {entry}(")):
        raise r.invalid(
            get("signature"),
            f"signature does not start with {entry}( or class {entry}(",
            f'write `signature: "{entry}(...)"`',
        )
    drill = Drill(
        id=drill_id,
        dir=path.parent,
        title=r.text(get("title"), "title"),
        topic=r.choice(get("topic"), "topic", topics),
        difficulty=r.choice(get("difficulty"), "difficulty", s.DIFFICULTIES),
        entry=entry,
        kind=r.choice(get("kind"), "kind", DRILL_KINDS),
        signature=signature,
        dtypes=dtypes,
        cuda_dtypes=cuda_dtypes,
        tolerance=tolerance,
        grad=_bool(r, get("grad"), "grad"),
        forbidden=tuple(r.string(n, "a forbidden name") for n in _list(r, get("forbidden"), "forbidden")),
        hints=r.texts(get("hints"), "hints"),
        source=read_source(r, get("source")),
        timeout_s=timeout,
        prerequisites=tuple(r.string(n, "a prerequisite") for n in _list(r, get("prerequisites"), "prerequisites"))
        if "prerequisites" in fields
        else (),
        review={key: r.string(value, f"review.{key}") for key, (_, value) in r.mapping(get("review"), "review").items()}
        if "review" in fields
        else {},
    )
    for name, node in zip(drill.forbidden, get("forbidden").value):
        if not name.startswith("torch.") or " " in name:
            raise r.invalid(
                node, f"forbidden name {name!r} is not a dotted torch name", "write e.g. torch.nn.functional.softmax"
            )
    for needed in (REFERENCE_FILE, CASES_FILE):
        if not (path.parent / needed).is_file():
            raise Invalid(Problem(rel, 1, f"the drill has no {needed}", f"add {path.parent.name}/{needed}", r.qid))
    return drill


def check_drills(root: Path | None = None) -> tuple[dict[str, Drill], list[Problem]]:
    """Every valid drill, and one problem per invalid drill folder."""
    root = root or paths.solutions_dir()
    topics, problems = read_topics(paths.bank_dir())
    drills: dict[str, Drill] = {}
    for path in sorted(root.glob(f"*/{DRILL_FILE}")):
        try:
            drill = read_drill(path, set(topics))
        except Invalid as err:
            problems.append(err.problem)
            continue
        drills[drill.id] = drill
    return drills, problems + _curriculum_problems(drills, root)


def _curriculum_problems(drills: dict[str, Drill], root: Path) -> list[Problem]:
    """Prerequisites must name drills, and never lead back to the drill itself."""
    problems = []
    for drill in drills.values():
        rel = (drill.dir / DRILL_FILE).relative_to(root.parent).as_posix()
        for needed in drill.prerequisites:
            if needed not in drills:
                close = difflib.get_close_matches(needed, list(drills), n=1)
                fix = f"did you mean {close[0]!r}?" if close else "name a folder of solutions/"
                problems.append(Problem(rel, 1, f"prerequisite {needed!r} is not a drill", fix, drill.id))
        seen, todo = set(), list(drill.prerequisites)
        while todo:
            current = todo.pop()
            if current == drill.id:
                problems.append(Problem(rel, 1, "its prerequisites lead back to itself", "break the cycle", drill.id))
                break
            if current in drills and current not in seen:
                seen.add(current)
                todo.extend(drills[current].prerequisites)
    return problems


def all_drills() -> dict[str, Drill]:
    """Every drill, from the cache when no drill.yaml or bank file changed (no YAML parsing then)."""
    from llmprep.bank import cache

    root = paths.solutions_dir()
    key = cache.cache_key(paths.bank_dir(), root)
    path = cache.cache_file(paths.cache_dir(), root, kind="drills")
    drills = cache.read(path, key)
    if drills is None:
        drills, problems = check_drills(root)
        if problems:
            raise DrillError(problems)
        cache.write(path, key, drills)
    return drills


def load_drill(drill_id: str) -> Drill:
    """One drill by id; an unknown id is a usage error that suggests the closest ids."""
    root = paths.solutions_dir()
    path = root / drill_id / DRILL_FILE
    if not drill_id.replace("_", "").isalnum() or not path.is_file():
        known = sorted(p.parent.name for p in root.glob(f"*/{DRILL_FILE}"))
        close = difflib.get_close_matches(drill_id, known, n=3, cutoff=0.5)
        fix = ("did you mean " + " or ".join(close) + "?") if close else "see `llmprep drills` for the ids"
        raise UsageError(f"no drill with id {drill_id!r}", fix=fix)
    topics, problems = read_topics(paths.bank_dir())
    if problems:
        raise DrillError(problems)
    try:
        return read_drill(path, set(topics))
    except Invalid as err:
        raise DrillError([err.problem]) from None

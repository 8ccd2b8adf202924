"""The strict loader: YAML nodes (which keep their line numbers) -> validated Question records.

Every problem names the file, the line, the question id where known, and the fix. `load_bank`
raises on the first problem; `check_bank` returns them all for `llmprep dev check`.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import yaml

from llmprep.bank import schema as s
from llmprep.errors import LlmprepError
from llmprep.yamlnode import STR as _STR
from llmprep.yamlnode import Invalid, NodeReader, Problem, compose

ID_RE = re.compile(r"^[a-z0-9]+(?:[-_][a-z0-9]+)*(?:/[a-z0-9]+(?:[-_][a-z0-9]+)*)+$")
TAXONOMY_FILE = "taxonomy.yaml"

COMMON_REQUIRED = ("id", "set", "topic", "difficulty", "type", "prompt", "answer")
COMMON_OPTIONAL = ("hints", "follow_ups", "tags", "source")
TYPE_FIELDS = {
    "concept": ("key_points",),
    "choice": ("choices", "correct", "explanation"),
    "numeric": ("value", "tolerance", "unit", "solution", "inputs"),
    "code": ("drill",),
}


class BankError(LlmprepError):
    def __init__(self, problems: list[Problem]):
        first = problems[0]
        more = f"; {len(problems) - 1} more problem(s), see `llmprep dev check`" if len(problems) > 1 else ""
        super().__init__(f"{first}{more}")
        self.problems = problems


def _question(r: NodeReader, node: yaml.Node, topics: set[str]) -> s.Question:
    r.qid = None
    fields = r.mapping(node, "a question")
    if "id" in fields:
        qid = r.string(fields["id"][1], "id")
        if not ID_RE.match(qid):
            raise r.invalid(
                fields["id"][1],
                f"id {qid!r} is not a slug",
                "use lower-case words joined by '-', e.g. attention/why-scale",
            )
        r.qid = qid
    qtype = r.choice(fields["type"][1], "type", s.TYPES) if "type" in fields else "concept"
    r.keys(
        node,
        fields,
        "a question",
        required=COMMON_REQUIRED + TYPE_FIELDS[qtype],
        optional=COMMON_OPTIONAL,
        elsewhere=TYPE_FIELDS,
    )

    def get(name):
        return fields[name][1]

    q = dict(
        id=r.qid,
        sets=tuple(r.choice(n, "set", s.SETS) for n in r.sequence(get("set"), "set", allow_scalar=True)),
        topic=r.choice(get("topic"), "topic", topics),
        difficulty=r.choice(get("difficulty"), "difficulty", s.DIFFICULTIES),
        type=qtype,
        prompt=r.text(get("prompt"), "prompt"),
        answer=r.text(get("answer"), "answer"),
        file=r.rel,
        line=node.start_mark.line + 1,
    )
    if "hints" in fields:
        q["hints"] = r.texts(get("hints"), "hints")
    if "follow_ups" in fields:
        q["follow_ups"] = r.strings(get("follow_ups"), "follow_ups")
    if "tags" in fields:
        q["tags"] = r.strings(get("tags"), "tags")
    if "source" in fields:
        q["source"] = read_source(r, get("source"))
    q.update(_TYPE_READERS[qtype](r, get))
    return s.Question(**q)


def read_source(r: NodeReader, node: yaml.Node) -> s.Source:
    if isinstance(node, yaml.ScalarNode):
        r.choice(node, "source", {"original"})
        return s.Source()
    fields = r.mapping(node, "source")
    r.keys(node, fields, "source", required=("file", "heading"), optional=())
    return s.Source(
        file=r.choice(fields["file"][1], "source.file", s.SEED_FILES),
        heading=r.string(fields["heading"][1], "source.heading"),
    )


def _phrases(r: NodeReader, node: yaml.Node, what: str, joiner: str) -> str:
    """A group ('a | b') or a misconception ('a | b + c'): non-empty phrases, no half of a split list."""
    raw = r.string(node, what)
    for group in raw.split(joiner) if joiner else [raw]:
        phrases = [p.strip() for p in group.split("|")]
        if not all(phrases):
            raise r.invalid(node, f"{what} {raw!r} has an empty phrase", "remove the stray '|' or '+'")
        for phrase in phrases:
            if phrase.count("(") != phrase.count(")") or phrase.count("[") != phrase.count("]"):
                raise r.invalid(
                    node,
                    f"{what} phrase {phrase!r} has unbalanced brackets",
                    "a flow list `[a, b]` splits at commas: write the list as `- item` lines",
                )
            if re.search(r"(?<!\w)\w{1,2}\*", phrase):
                raise r.invalid(
                    node, f"{what} phrase {phrase!r} misuses '*'", "'*' only ends a word of 3+ letters, e.g. saturat*"
                )
    return raw


def _concept(r: NodeReader, get) -> dict:
    points = []
    for node in r.sequence(get("key_points"), "key_points"):
        fields = r.mapping(node, "a key point")
        r.keys(node, fields, "a key point", required=("en", "zh", "requires"), optional=("wrong", "essential"))
        text = s.Text(en=r.string(fields["en"][1], "key point en"), zh=r.string(fields["zh"][1], "key point zh"))
        requires = tuple(_phrases(r, n, "requires", "") for n in r.sequence(fields["requires"][1], "requires"))
        wrong = ()
        if "wrong" in fields:
            wrong = tuple(_phrases(r, n, "wrong", "+") for n in r.sequence(fields["wrong"][1], "wrong"))
        essential = True
        if "essential" in fields:
            essential = r.boolean(fields["essential"][1], "essential")
        points.append(s.KeyPoint(text=text, requires=requires, wrong=wrong, essential=essential))
    if not any(p.essential for p in points):
        raise r.invalid(get("key_points"), "no key point is essential", "leave `essential: false` off the main point")
    return {"key_points": tuple(points)}


def _choice(r: NodeReader, get) -> dict:
    choices = r.texts(get("choices"), "choices")
    if len(choices) < 2 or len(choices) > len(s.LETTERS):
        raise r.invalid(get("choices"), f"{len(choices)} choices", f"give 2 to {len(s.LETTERS)} choices")
    letters = s.LETTERS[: len(choices)]
    correct = tuple(
        r.choice(n, "correct letter", tuple(letters)) for n in r.sequence(get("correct"), "correct", allow_scalar=True)
    )
    if len(set(correct)) != len(correct):
        raise r.invalid(get("correct"), "a correct letter is listed twice", "list each letter once")
    return {
        "choices": choices,
        "correct": tuple(sorted(correct)),
        "explanation": r.text(get("explanation"), "explanation"),
    }


def _numeric(r: NodeReader, get) -> dict:
    tol_fields = r.mapping(get("tolerance"), "tolerance")
    r.keys(get("tolerance"), tol_fields, "tolerance", required=(), optional=("rel", "abs"))
    tol = s.Tolerance(**{k: r.number(v, f"tolerance.{k}") for k, (_, v) in tol_fields.items()})
    if tol.rel <= 0 and tol.abs <= 0 or tol.rel < 0 or tol.abs < 0:
        raise r.invalid(get("tolerance"), "tolerance must allow some error", "give rel (e.g. 0.02) and/or abs > 0")
    unit_node = get("unit")
    if not (isinstance(unit_node, yaml.ScalarNode) and unit_node.tag == _STR):
        raise r.invalid(unit_node, "unit must be a string", 'write unit: "GiB" (or "" for a plain number)')
    inputs = r.mapping(get("inputs"), "inputs")
    return {
        "value": r.number(get("value"), "value"),
        "tolerance": tol,
        "unit": unit_node.value,
        "solution": r.text(get("solution"), "solution"),
        "inputs": tuple((k, r.number(v, f"inputs.{k}")) for k, (_, v) in inputs.items()),
    }


def _code(r: NodeReader, get) -> dict:
    return {"drill": r.string(get("drill"), "drill")}


_TYPE_READERS = {"concept": _concept, "choice": _choice, "numeric": _numeric, "code": _code}


def read_file(path: Path, rel: str, topics: set[str]) -> tuple[list[s.Question], list[Problem]]:
    """Every valid question in one file, and one problem for each invalid one."""
    r = NodeReader(rel)
    try:
        root = compose(path, rel)
        if root is None:
            raise Invalid(
                Problem(
                    rel, 1, "empty file", f"add `version: {s.FORMAT_VERSION}` and a `questions:` list, or delete it"
                )
            )
        top = r.mapping(root, "the file")
        r.keys(root, top, "the file", required=("version", "questions"), optional=())
        if r.number(top["version"][1], "version") != s.FORMAT_VERSION:
            raise r.invalid(top["version"][1], "unsupported format version", f"write `version: {s.FORMAT_VERSION}`")
        nodes = r.sequence(top["questions"][1], "questions")
    except Invalid as err:
        return [], [err.problem]
    questions, problems = [], []
    for node in nodes:
        try:
            questions.append(_question(r, node, topics))
        except Invalid as err:
            problems.append(err.problem)
    return questions, problems


def read_topics(root: Path) -> tuple[dict[str, s.Topic], list[Problem]]:
    path = root / TAXONOMY_FILE
    rel = f"{root.name}/{TAXONOMY_FILE}"
    r = NodeReader(rel)
    try:
        if not path.is_file():
            raise Invalid(Problem(rel, 1, f"no taxonomy at {path}", f"create {rel}"))
        root_node = compose(path, rel)
        top = r.mapping(root_node, "the taxonomy")
        r.keys(root_node, top, "the taxonomy", required=("version", "topics"), optional=())
        topics = {}
        for name, (_, value) in r.mapping(top["topics"][1], "topics").items():
            topics[name] = s.Topic(id=name, name=r.text(value, f"topic {name}"))
        return topics, []
    except Invalid as err:
        return {}, [err.problem]


def question_files(root: Path) -> list[Path]:
    """Question files are the YAML files in subfolders; the root holds the taxonomy and maps."""
    return sorted(p for p in root.glob("*/**/*.yaml"))


def check_bank(root: Path, drill_ids: set[str]) -> tuple[s.Bank, list[Problem]]:
    topics, problems = read_topics(root)
    questions: dict[str, s.Question] = {}
    for path in question_files(root):
        found, file_problems = read_file(path, path.relative_to(root.parent).as_posix(), set(topics))
        problems += file_problems
        for q in found:
            if q.id in questions:
                first = questions[q.id]
                problems.append(
                    Problem(
                        q.file,
                        q.line,
                        f"duplicate id, first defined at {first.file}:{first.line}",
                        "give this question a new id (ids never change once published)",
                        q.id,
                    )
                )
            else:
                questions[q.id] = q
    for q in questions.values():
        for ref in q.follow_ups:
            if ref not in questions:
                close = difflib.get_close_matches(ref, list(questions), n=1)
                problems.append(
                    Problem(
                        q.file,
                        q.line,
                        f"follow-up {ref!r} is not a question id",
                        f"did you mean {close[0]!r}?" if close else "remove it or add that question",
                        q.id,
                    )
                )
        if q.drill is not None and q.drill not in drill_ids:
            close = difflib.get_close_matches(q.drill, sorted(drill_ids), n=1)
            problems.append(
                Problem(
                    q.file,
                    q.line,
                    f"drill {q.drill!r} does not exist in solutions/",
                    f"did you mean {close[0]!r}?" if close else "add the drill or change the id",
                    q.id,
                )
            )
    return s.Bank(questions=questions, topics=topics), problems

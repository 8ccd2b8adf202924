"""The strict YAML node reader shared by the bank, the drills and the config: YAML nodes keep their
line numbers, and every shape error becomes a Problem that names the file, the line, the id where
known, and the fix. No torch, no bank logic: bank/, drills/ and config.py all read through it.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path

import yaml

from llmprep.bank import schema as s

try:
    from yaml import CSafeLoader as Loader
except ImportError:  # PyYAML built without libyaml
    from yaml import SafeLoader as Loader

STR = "tag:yaml.org,2002:str"


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str
    fix: str
    qid: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        who = f" [{self.qid}]" if self.qid else ""
        return f"{where}:{who} {self.message} (fix: {self.fix})"


class Invalid(Exception):
    """One field is wrong; carries the problem up to the question being read."""

    def __init__(self, problem: Problem):
        self.problem = problem


class NodeReader:
    """Reads one YAML file's nodes, turning each shape error into a Problem with a line."""

    def __init__(self, rel: str):
        self.rel = rel
        self.qid: str | None = None

    def invalid(self, node: yaml.Node, message: str, fix: str) -> Invalid:
        return Invalid(Problem(self.rel, node.start_mark.line + 1, message, fix, self.qid))

    def mapping(self, node: yaml.Node, what: str) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            raise self.invalid(node, f"{what} must be a mapping", f"write {what} as `key: value` lines")
        out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key, value in node.value:
            name = self.string(key, f"a key in {what}")
            if name in out:
                raise self.invalid(key, f"duplicate key {name!r} in {what}", f"keep one {name!r}")
            out[name] = (key, value)
        return out

    def string(self, node: yaml.Node, what: str) -> str:
        if not (isinstance(node, yaml.ScalarNode) and node.tag == STR) or not node.value.strip():
            raise self.invalid(node, f"{what} must be a non-empty string", f'quote it: {what}: "..."')
        return node.value

    def number(self, node: yaml.Node, what: str) -> float:
        if isinstance(node, yaml.ScalarNode) and node.tag != "tag:yaml.org,2002:bool":
            try:
                return float(node.value.replace("_", ""))
            except ValueError:
                pass
        raise self.invalid(node, f"{what} must be a number", f"write {what} as a number such as 6.7e9")

    def boolean(self, node: yaml.Node, what: str) -> bool:
        if not (isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:bool"):
            raise self.invalid(node, f"{what} must be true or false", f"write {what}: false")
        return node.value.lower() in ("true", "yes", "on")

    def sequence(self, node: yaml.Node, what: str, *, allow_scalar: bool = False) -> list[yaml.Node]:
        if allow_scalar and isinstance(node, yaml.ScalarNode):
            return [node]
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            raise self.invalid(node, f"{what} must be a non-empty list", f"write {what} as `- item` lines")
        return node.value

    def strings(self, node: yaml.Node, what: str, *, allow_scalar: bool = False) -> tuple[str, ...]:
        return tuple(self.string(n, what) for n in self.sequence(node, what, allow_scalar=allow_scalar))

    def choice(self, node: yaml.Node, what: str, allowed: tuple[str, ...] | set[str]) -> str:
        value = self.string(node, what)
        if value not in allowed:
            close = difflib.get_close_matches(value, list(allowed), n=1)
            hint = f"did you mean {close[0]!r}?" if close else f"use one of: {', '.join(sorted(allowed))}"
            raise self.invalid(node, f"unknown {what} {value!r}", hint)
        return value

    def text(self, node: yaml.Node, what: str) -> s.Text:
        fields = self.mapping(node, what)
        self.keys(node, fields, what, required=("en", "zh"), optional=())
        return s.Text(en=self.string(fields["en"][1], f"{what}.en"), zh=self.string(fields["zh"][1], f"{what}.zh"))

    def texts(self, node: yaml.Node, what: str) -> tuple[s.Text, ...]:
        return tuple(self.text(n, what) for n in self.sequence(node, what))

    def keys(
        self, node: yaml.Node, fields: dict, what: str, *, required, optional, elsewhere: dict | None = None
    ) -> None:
        known = set(required) | set(optional)
        for name, (key, _) in fields.items():
            if name in known:
                continue
            owner = next((t for t, names in (elsewhere or {}).items() if name in names), None)
            if owner:
                raise self.invalid(key, f"key {name!r} belongs to type {owner!r}", f"remove it or set `type: {owner}`")
            close = difflib.get_close_matches(name, sorted(known), n=1)
            fix = f"did you mean {close[0]!r}?" if close else f"allowed keys: {', '.join(sorted(known))}"
            raise self.invalid(key, f"unknown key {name!r} in {what}", fix)
        missing = [name for name in required if name not in fields]
        if missing:
            raise self.invalid(node, f"{what} lacks {', '.join(missing)}", f"add {missing[0]!r}")


def compose(path: Path, rel: str) -> yaml.Node:
    try:
        return yaml.compose(path.read_text(encoding="utf-8"), Loader=Loader)
    except UnicodeDecodeError as err:
        raise Invalid(Problem(rel, 1, f"not UTF-8 ({err.reason})", "save the file as UTF-8")) from None
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else 1
        raise Invalid(
            Problem(
                rel,
                line,
                f"malformed YAML: {err.problem or err.context}",
                "fix the YAML syntax on that line (indentation, quotes, a missing ':')",
            )
        ) from None

"""The learner's settings: LLMPREP_HOME/config.yaml (optional), validated like the bank."""

from __future__ import annotations

from dataclasses import dataclass

from llmprep import paths
from llmprep.errors import LlmprepError

CONFIG_NAME = "config.yaml"


@dataclass(frozen=True)
class Config:
    new_per_day: int = 20  # new questions introduced per day
    desired_retention: float = 0.9  # fsrs target probability of recall


_RANGES = {"new_per_day": (0, 1000), "desired_retention": (0.7, 0.99)}


def load_config() -> Config:
    path = paths.home_dir() / CONFIG_NAME
    if not path.is_file():
        return Config()
    from llmprep.bank.loader import BankError
    from llmprep.yamlnode import Invalid, NodeReader, compose

    reader = NodeReader(str(path))
    try:
        root = compose(path, str(path))
        if root is None:
            return Config()
        fields = reader.mapping(root, "the config")
        reader.keys(root, fields, "the config", required=(), optional=tuple(_RANGES))
        values = {}
        for name, (_, node) in fields.items():
            low, high = _RANGES[name]
            value = reader.number(node, name)
            if not low <= value <= high:
                raise reader.invalid(node, f"{name} = {value:g} is out of range", f"use a value from {low} to {high}")
            values[name] = int(value) if name == "new_per_day" else value
        return Config(**values)
    except Invalid as err:
        raise LlmprepError(str(BankError([err.problem]))) from None

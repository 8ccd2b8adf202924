"""The control messages of the learner's process that carry no tensors (no torch here): the sandbox to
enter, sent at once, and what to load, sent once the grader knows the drill."""

from __future__ import annotations

from dataclasses import dataclass

CHANNEL_ENV = "LLMPREP_CHANNEL_FD"  # the fd number of the learner's end of the socket (never in argv)


@dataclass
class Setup:
    """Parent -> learner, at once: the sandbox to enter before torch is imported."""

    read: list[str]  # Landlock: readable paths
    write: list[str]  # Landlock: writable paths
    links: dict[str, str]  # sys.path folders replaced by a folder of links (they hold a hidden folder)
    memory: int | None
    processes: int | None

    def to_json(self) -> dict:
        return dict(vars(self))


@dataclass
class Load:
    """Parent -> learner, once the drill is known: what to load and which names are forbidden."""

    file: str
    entry: str
    kind: str  # function | module
    forbidden: list[str]
    protected: list[str]  # folders the audit hook names when opened (Landlock makes them unreadable)
    device: str

    def to_json(self) -> dict:
        return {"t": "load", **vars(self)}

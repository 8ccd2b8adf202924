"""The question bank: strict YAML loader, fast cache, and the records they produce."""

from __future__ import annotations

from dataclasses import replace

from llmprep import paths
from llmprep.bank import cache
from llmprep.bank.schema import Bank, Question, Text


def load_bank(*, outline: bool = False) -> Bank:
    """The validated bank, from the cache when no source file changed since it was written. With
    `outline`, only what listing and planning read (id, sets, topic, level, type, prompt): `list` and
    `next` then unpickle a fraction of the bank, whose answers and key points dominate it."""
    root, solutions = paths.bank_dir(), paths.solutions_dir()
    key = cache.cache_key(root, solutions)
    outline_path = cache.cache_file(paths.cache_dir(), root, "outline")
    if outline and (kept := cache.read(outline_path, key)) is not None:
        return kept
    path = cache.cache_file(paths.cache_dir(), root)
    bank = cache.read(path, key)
    if bank is None:
        from llmprep.bank.loader import BankError, check_bank
        from llmprep.drills import drill_ids

        bank, problems = check_bank(root, drill_ids(solutions))
        if problems:
            raise BankError(problems)
        cache.write(path, key, bank)
    if outline:
        bank = _outline(bank)
        cache.write(outline_path, key, bank)
    return bank


def _outline(bank: Bank) -> Bank:
    none = Text("", "")
    return Bank(
        {
            qid: replace(q, answer=none, hints=(), key_points=(), choices=(), explanation=None, solution=None)
            for qid, q in bank.questions.items()
        },
        bank.topics,
    )


__all__ = ["Bank", "Question", "load_bank"]

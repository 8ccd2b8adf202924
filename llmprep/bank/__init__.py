"""The question bank: strict YAML loader, fast cache, and the records they produce."""

from __future__ import annotations

from llmprep import paths
from llmprep.bank import cache
from llmprep.bank.schema import Bank, Question


def load_bank() -> Bank:
    """The validated bank, from the cache when no source file changed since it was written."""
    root, solutions = paths.bank_dir(), paths.solutions_dir()
    key = cache.cache_key(root, solutions)
    path = cache.cache_file(paths.cache_dir(), root)
    bank = cache.read(path, key)
    if bank is None:
        from llmprep.bank.loader import BankError, check_bank
        from llmprep.drills import drill_ids

        bank, problems = check_bank(root, drill_ids(solutions))
        if problems:
            raise BankError(problems)
        cache.write(path, key, bank)
    return bank


__all__ = ["Bank", "Question", "load_bank"]

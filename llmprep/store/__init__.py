"""The learner's progress: one SQLite file under LLMPREP_HOME (or the platform's user data dir)."""

from llmprep.store.db import Store, open_store

__all__ = ["Store", "open_store"]

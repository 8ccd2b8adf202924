"""A pickle of the validated bank (and of the drill registry), keyed on every source file's path,
size and mtime.

Any added, removed, touched or resized question file, taxonomy or drill changes the key, so a
stale cache is never used; it is written atomically, so a crash never leaves half a cache.
"""

from __future__ import annotations

import os
import pickle
import zlib
from pathlib import Path

from llmprep import __version__
from llmprep.bank.schema import FORMAT_VERSION


def _stamps(*roots: Path) -> list[tuple[str, int, int]]:
    stamps = []
    for root in roots:
        for dirpath, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if d != "__pycache__"]
            for name in filenames:
                if name.endswith(".yaml"):
                    st = os.stat(os.path.join(dirpath, name))
                    stamps.append((os.path.join(dirpath, name), st.st_mtime_ns, st.st_size))
    return sorted(stamps)


def cache_key(*roots: Path) -> str:
    """Changes with the package version, the bank format and any YAML file under `roots`."""
    return repr((__version__, FORMAT_VERSION, [str(root) for root in roots], _stamps(*roots)))


def cache_file(cache_root: Path, root: Path, kind: str = "bank") -> Path:
    return cache_root / f"{kind}-{zlib.crc32(str(root).encode()):08x}.pickle"


def read(path: Path, key: str) -> object | None:
    try:
        with open(path, "rb") as f:
            stored_key, value = pickle.load(f)
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError, ImportError):
        return None
    return value if stored_key == key else None


def write(path: Path, key: str, value: object) -> None:
    """Best effort: an unwritable cache directory only costs speed."""
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(tmp, "wb") as f:
            pickle.dump((key, value), f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)

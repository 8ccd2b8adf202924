"""Is the progress file whole? A cheap look before each open, and one error for damage found at any time.

Damage is looked for with `PRAGMA quick_check` on an immutable view of the file: it only reads (no
lock, no -wal or -shm file, no journal recovery, no checkpoint), so a damaged file is left byte for
byte as it was. The check costs ~10 ms on a 7 MB store with 10,000 reviews, so it runs only when
the file changed since it was last known good; size, mtime and inode are kept in a side file
(progress.sqlite3.ok). A store that was written is copied, checked, to progress.sqlite3.bak when it
is closed, at most every BACKUP_EVERY_S (the copy costs ~30 ms for 10,000 reviews): the copy that the
error tells the learner to restore.
"""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

from llmprep.errors import LlmprepError

# primary SQLite result codes (https://sqlite.org/rescode.html)
SQLITE_CORRUPT, SQLITE_NOTADB = 11, 26
BACKUP_EVERY_S = 600  # a restored copy loses at most the last ten minutes of progress
_TRY_AGAIN = "close the other llmprep (a quiz in another terminal?) and run the command again"
_WRITABLE = "make {folder} writable, or set LLMPREP_HOME to a writable folder"
_ENVIRONMENT = {  # failures of the machine, not of the file or of llmprep: what to do about each
    3: _WRITABLE,  # SQLITE_PERM
    5: _TRY_AGAIN,  # SQLITE_BUSY
    6: _TRY_AGAIN,  # SQLITE_LOCKED
    8: _WRITABLE,  # SQLITE_READONLY
    10: "check the disk (dmesg) and run the command again",  # SQLITE_IOERR
    13: "free some disk space and run the command again",  # SQLITE_FULL
    14: _WRITABLE,  # SQLITE_CANTOPEN
}


def side(path: Path, suffix: str) -> Path:
    return path.with_name(path.name + suffix)


def backups(path: Path) -> list[Path]:
    """Copies to restore, newest first: the copy made on close (.bak) and those made before migrations."""
    found = [p for p in [side(path, ".bak"), *path.parent.glob(f"{path.name}.v*.bak")] if p.is_file()]
    return sorted(found, key=lambda p: p.stat().st_mtime_ns, reverse=True)


def damaged(path: Path, detail: str, on_open: bool = False) -> LlmprepError:
    """The one line for a damaged store: which file, and the commands that restore the newest backup.

    Damage found after the open (the file looked unchanged since its last check) makes the next
    open check it again.
    """
    import shlex

    if not on_open:
        forget(path)
    name, q = path.name, shlex.quote
    steps = [f"cd {q(str(path.parent))}", f"mv {q(name)} {q(name + '.damaged')}"]
    leftovers = [q(p.name) for p in (side(path, "-wal"), side(path, "-shm")) if p.exists()]
    if leftovers:
        steps.append("rm -f " + " ".join(leftovers))
    found = backups(path)
    fix = (
        f"restore the last good copy: `{' && '.join(steps)} && cp {q(found[0].name)} {q(name)}`"
        if found
        else f"no backup to restore: `{' && '.join(steps)}`, then llmprep starts a new, empty store"
    )
    note = "; nothing was written to it" if on_open else ""
    return LlmprepError(f"progress database {path} is damaged ({detail}){note}", fix=fix)


def _code(err: sqlite3.Error) -> int:
    return (getattr(err, "sqlite_errorcode", None) or 0) & 0xFF


def is_damage(err: sqlite3.Error) -> bool:
    return _code(err) in (SQLITE_CORRUPT, SQLITE_NOTADB)


def translate(path: Path, err: sqlite3.DatabaseError) -> LlmprepError | None:
    """The one-line error for a failure of the file or of the machine; None for anything else (a bug)."""
    code = _code(err)
    if code in (SQLITE_CORRUPT, SQLITE_NOTADB):
        return damaged(path, str(err))
    if code in _ENVIRONMENT:
        return LlmprepError(
            f"cannot use progress database {path} ({err})", fix=_ENVIRONMENT[code].format(folder=path.parent)
        )
    return None


def _stamp(path: Path) -> str:
    st = path.stat()
    return f"{st.st_size} {st.st_mtime_ns} {st.st_ino}"


def _remembered(path: Path) -> str | None:
    try:
        return side(path, ".ok").read_text(encoding="ascii").strip()
    except (OSError, ValueError):
        return None


def remember(path: Path) -> None:
    """Note the file as known good as it is now; if the note cannot be written, the next open checks again."""
    note = side(path, ".ok")
    try:
        tmp = side(path, f".ok.{os.getpid()}.tmp")
        tmp.write_text(_stamp(path) + "\n", encoding="ascii")
        os.replace(tmp, note)
    except OSError:
        pass


def forget(path: Path) -> None:
    try:
        side(path, ".ok").unlink(missing_ok=True)
    except OSError:
        pass


def _quick_check(uri: str) -> str | None:
    """None when SQLite finds the file whole, else what it found."""
    conn = sqlite3.connect(uri, uri=True)
    try:
        rows = conn.execute("PRAGMA quick_check(3)").fetchall()
    except sqlite3.DatabaseError as err:
        if not is_damage(err):
            raise
        return str(err)
    finally:
        conn.close()
    return None if rows == [("ok",)] else "; ".join(row[0] for row in rows)


def _still_damaged(path: Path) -> bool:
    """Check again through SQLite's locks: the immutable view may have caught another llmprep half way
    through a checkpoint. Nothing here writes to the file: a read-only connection when the -wal and
    -shm exist, else a normal one, which finds no WAL frames to checkpoint and removes what it made."""
    if side(path, "-journal").exists():  # a normal connection would roll a hot journal back into the file
        return True
    wal = side(path, "-wal").exists() and side(path, "-shm").exists()
    return _quick_check(f"{path.absolute().as_uri()}?mode={'ro' if wal else 'rw'}") is not None


def check(path: Path) -> None:
    """Raise the one-line error if the file at `path` is damaged; a missing file is a new store."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        return
    except OSError as err:
        raise LlmprepError(
            f"cannot read progress database {path} ({err.strerror})", fix=_WRITABLE.format(folder=path.parent)
        ) from None
    known = _remembered(path)
    if size == 0:  # SQLite takes an empty file for a new store; one that held progress was truncated
        if (known and known.split()[0] != "0") or backups(path):
            raise damaged(path, "the file is empty, it held progress before", on_open=True)
        return
    if known == _stamp(path):
        return
    problem = _quick_check(f"{path.absolute().as_uri()}?immutable=1")
    if problem is not None and _still_damaged(path):
        raise damaged(path, problem, on_open=True)
    remember(path)


def backup_due(path: Path) -> bool:
    try:
        return time.time() - side(path, ".bak").stat().st_mtime >= BACKUP_EVERY_S
    except FileNotFoundError:
        return True


def snapshot(conn: sqlite3.Connection, path: Path) -> None:
    """Copy the store to progress.sqlite3.bak; the copy is checked before it replaces the previous one.

    Raises the one-line error when the store turns out damaged; a copy that cannot be written is skipped.
    """
    target, tmp = side(path, ".bak"), side(path, f".bak.{os.getpid()}.tmp")
    try:
        dest = sqlite3.connect(tmp)
        try:
            dest.execute("PRAGMA journal_mode = OFF")
            dest.execute("PRAGMA synchronous = OFF")
            conn.backup(dest)
        finally:
            dest.close()
        problem = _quick_check(f"{tmp.absolute().as_uri()}?immutable=1")
        if problem is not None:
            raise damaged(path, problem)
        os.replace(tmp, target)
    except sqlite3.DatabaseError as err:
        if is_damage(err):  # read from the store; other failures are of the copy, which is then skipped
            raise damaged(path, str(err)) from None
    except OSError:
        pass
    finally:
        tmp.unlink(missing_ok=True)

"""The grader's side of the learner's process (no torch): start it, sandboxed and limited, talk to
it in typed messages with deadlines, and kill it with everything it started.

The process runs in its own session; at the end its whole process group is killed, and because
this process is a child subreaper (PR_SET_CHILD_SUBREAPER) any descendant that escaped into a new
session is handed back to us when its parent dies, and killed too: nothing outlives a grade.
"""

from __future__ import annotations

import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from pathlib import Path

from llmprep import paths
from llmprep.grading.child import frames
from llmprep.grading.child.control import CHANNEL_ENV, Setup
from llmprep.grading.result import visible

MEMORY_LIMIT = 4 << 30  # address space of the learner's process on CPU; torch itself maps about 0.8 GiB
PROCESS_ALLOWANCE = 64  # processes (threads count) the learner may add to the user's current count
OUTPUT_LIMIT = 1 << 20  # what the learner may print in all before the run is stopped
OUTPUT_KEEP = 4000  # characters of stdout and of stderr kept in the result
STARTUP_TIMEOUT = 90.0
TOTAL_TIMEOUT = 120.0
CHILD_PACKAGE = "_llmprep_child"
SANDBOX_ENV = "LLMPREP_SANDBOX"  # "off": no Landlock (the grade says so)
SYSTEM_READ = (
    "/usr/lib",
    "/usr/lib64",
    "/lib",
    "/lib64",
    "/usr/local/lib",
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/etc/localtime",
    "/dev/null",
    "/dev/zero",
    "/dev/urandom",
    "/dev/random",
    "/proc/cpuinfo",
    "/proc/meminfo",
    "/proc/self",
    "/sys/devices/system/cpu",
    "/sys/fs/cgroup",
)
# untested: no GPU was available when the sandbox was written (the driver reads PCI data in /sys)
CUDA_READ = ("/sys/bus/pci", "/sys/devices", "/proc/driver", "/usr/share/nvidia", "/etc/nvidia")
CUDA_DEVICES = (
    "/dev/nvidiactl",
    "/dev/nvidia0",
    "/dev/nvidia-uvm",
    "/dev/nvidia-uvm-tools",
    "/proc/driver/nvidia",
    "/dev/shm",
)
_LIVE: set[int] = set()  # learner processes of this process (grades may run in threads)
_LIVE_LOCK = threading.Lock()


class Stopped(Exception):
    """The learner's process cannot go on: it timed out, crashed, flooded, or sent an invalid message."""

    def __init__(self, cause: str, kind: str):
        super().__init__(cause)
        self.cause = cause
        self.kind = kind  # timeout | crash | flood | invalid


def has_cuda_device() -> bool:
    """A cheap guess without importing torch: CUDA inside the learner would not survive RLIMIT_AS."""
    return os.path.exists("/dev/nvidia0") or os.path.exists("/dev/nvidiactl")


def protected_paths() -> list[str]:
    """What the learner must never read: the references, the bank, the progress store, the git history."""
    found = [
        paths.solutions_dir(),
        paths.bank_dir(),
        paths.home_dir(),
        paths.cache_dir(),
        paths.solutions_dir().parent / ".git",
    ]
    return sorted({os.path.realpath(p) for p in found})


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _carve(root: str, hidden: list[str]) -> list[str]:
    """`root`, or where it holds a hidden folder, each of its entries that holds none (recursively)."""
    if any(_inside(root, h) for h in hidden):
        return []
    if not any(_inside(h, root) for h in hidden):
        return [root]
    try:
        entries = sorted(os.listdir(root))
    except OSError:
        return []
    return [p for e in entries for p in _carve(os.path.join(root, e), hidden)]


def sandbox_paths(file: Path, tmp: Path, hidden: list[str], cuda: bool) -> tuple[list[str], list[str], dict]:
    """(readable, writable, sys.path entries replaced by a folder of links) for the learner's Landlock rules.

    A sys.path folder that holds a hidden one (an installed wheel's site-packages holds
    llmprep/_data/solutions) is replaced by a folder of links to its other entries: Landlock cannot
    hide a subfolder of a readable folder, and Python must list the folders it imports from."""
    roots = {sysconfig.get_paths()[k] for k in ("stdlib", "platstdlib", "purelib", "platlib")}
    roots |= {p for p in sys.path if p and os.path.isdir(p)}
    read, links = [], {}
    for root in sorted(os.path.realpath(r) for r in roots):
        parts = _carve(root, hidden)
        if parts == [root]:
            read.append(root)
        elif parts and os.path.basename(root) in ("site-packages", "dist-packages"):
            farm = tmp / f"path{len(links)}"
            farm.mkdir()
            for part in (p for p in parts if os.path.dirname(p) == root):
                (farm / os.path.basename(part)).symlink_to(part)
            links[root] = str(farm)
            read += parts
    system = [p for p in SYSTEM_READ + (CUDA_READ if cuda else ()) if os.path.exists(p)]
    devices = [p for p in CUDA_DEVICES if cuda and os.path.exists(p)]  # opened read-write, with ioctls
    learner = os.path.realpath(file)
    folder = os.path.dirname(learner)
    read += [p for p in system if not any(_inside(h, p) for h in hidden)]
    read += [learner] + [p for p in _carve(folder, hidden) if p != learner]
    return read, [str(tmp)] + devices, links


def _user_tasks() -> int:
    uid, count = os.getuid(), 0
    try:
        for pid in os.listdir("/proc"):
            if pid.isdigit():
                try:
                    if os.stat(f"/proc/{pid}").st_uid == uid:
                        count += len(os.listdir(f"/proc/{pid}/task"))
                except OSError:
                    pass
    except OSError:
        return 0
    return count


def _become_subreaper() -> None:
    try:
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER
    except (OSError, AttributeError):
        pass  # not Linux: the process group kill remains


def _start_time(pid: int) -> int | None:
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
        return int(fields[19])
    except (OSError, IndexError, ValueError):
        return None


def _orphans(since: int) -> list[int]:
    """Processes handed back to us (ppid = us) that started after `since` and are no learner of ours."""
    me, found = os.getpid(), []
    try:
        pids = [int(p) for p in os.listdir("/proc") if p.isdigit()]
    except OSError:
        return []
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == me and int(fields[19]) >= since and pid not in _LIVE:
            found.append(pid)
    return found


class _Drain(threading.Thread):
    def __init__(self, stream, owner: "LearnerProcess"):
        super().__init__(daemon=True)
        self.stream = stream
        self.owner = owner
        self.kept = bytearray()
        self.total = 0

    def run(self) -> None:
        while chunk := self.stream.read1(1 << 16):
            self.total += len(chunk)
            if len(self.kept) < OUTPUT_KEEP:
                self.kept += chunk[: OUTPUT_KEEP - len(self.kept)]
            self.owner.output_written()

    def text(self) -> str:
        text = visible(self.kept.decode("utf-8", "replace"))
        if self.total > len(self.kept):
            text += f"\n[... truncated: {self.total / 1e6:.1f} MB written, the first {len(self.kept)} bytes kept]"
        return text


class LearnerProcess:
    """The learner's process for one grade. Start it early: its `import torch` overlaps the grader's."""

    def __init__(self, file: Path, device: str = "auto", memory_limit: int | None = MEMORY_LIMIT):
        self.cuda = device == "cuda" or (device == "auto" and has_cuda_device())
        self._tmp = tempfile.TemporaryDirectory(prefix="llmprep-learner-")
        tmp = Path(self._tmp.name)
        shutil.copytree(
            Path(__file__).parent / "child", tmp / CHILD_PACKAGE, ignore=shutil.ignore_patterns("__pycache__")
        )
        read, write, links = sandbox_paths(Path(file), tmp, protected_paths(), self.cuda)
        if os.environ.get(SANDBOX_ENV) == "off":  # for tests and debugging; the learner's file cannot set it
            read, write = [], []
        setup = Setup(
            read=read,
            write=write,
            links=links,
            memory=None if self.cuda else memory_limit,
            processes=_user_tasks() + PROCESS_ALLOWANCE,
        )
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("LLMPREP_", "PYTHON"))}
        # one intra-op thread: the cases are small, and spinning thread pools collapse on a busy machine
        env.update(
            OMP_NUM_THREADS="1",
            MKL_NUM_THREADS="1",
            PYTHONDONTWRITEBYTECODE="1",
            PYTHONUNBUFFERED="1",
            HOME=str(tmp),
            TMPDIR=str(tmp),
            **{CHANNEL_ENV: str(theirs.fileno())},
        )
        boot = f"import sys; sys.path.insert(0, {str(tmp)!r}); from {CHILD_PACKAGE}.main import main; main()"
        _become_subreaper()
        with _LIVE_LOCK:
            self.proc = subprocess.Popen(
                [sys.executable, "-I", "-u", "-c", boot],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                pass_fds=(theirs.fileno(),),
                start_new_session=True,
                cwd=str(tmp),
                env=env,
            )
            _LIVE.add(self.proc.pid)
        self.started = _start_time(self.proc.pid) or 0
        theirs.close()
        self.sock = ours
        self.flooded = False
        self.closed = False
        self.phase = "startup"
        self.out = _Drain(self.proc.stdout, self)
        self.err = _Drain(self.proc.stderr, self)
        self.out.start()
        self.err.start()
        self._send(setup.to_json())

    def output_written(self) -> None:
        if self.out.total + self.err.total > OUTPUT_LIMIT and not self.flooded:
            self.flooded = True
            self.kill()

    def _send(self, data: dict, blob: bytes = b"") -> None:
        try:
            frames.send(self.sock, data, blob)
        except OSError:
            pass  # it died; the next receive says how

    def receive(self, deadline: float, limit: float) -> tuple[dict, bytes]:
        """One message, or Stopped with the cause (a timeout names `limit` and the phase)."""
        try:
            return frames.receive(self.sock, deadline)
        except frames.Timeout:
            self.kill()
            raise Stopped(
                f"timed out after {limit:g} s in {self.phase} (an infinite loop, or far too slow?)", "timeout"
            ) from None
        except frames.InvalidMessage as err:
            self.kill()
            raise Stopped(
                f"the learner's process sent an invalid message ({err}); the grader's channel is not for your code",
                "invalid",
            ) from None
        except frames.Closed:
            raise Stopped(self._cause(), "flood" if self.flooded else "crash") from None

    def send(self, data: dict, blob: bytes = b"") -> None:
        self._send(data, blob)

    def kill(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def close(self) -> None:
        """Say goodbye (the learner's output is flushed), then kill its process group and every escapee."""
        if self.closed:
            return
        self.closed = True
        if self.proc.poll() is None and not self.flooded:
            self._send({"t": "stop"})
            try:
                frames.receive(self.sock, time.monotonic() + 1.0)
            except (frames.Timeout, frames.InvalidMessage, frames.Closed):
                pass
        self.kill()
        self.proc.wait()
        with _LIVE_LOCK:
            _LIVE.discard(self.proc.pid)
        for _ in range(50):  # escapees are handed to us as their parents die; a forking one needs rounds
            found = _orphans(self.started)
            if not found:
                break
            for pid in found:
                try:
                    os.kill(pid, signal.SIGKILL)
                    os.waitpid(pid, 0)
                except (ProcessLookupError, ChildProcessError, PermissionError):
                    pass
        self.out.join(timeout=2)
        self.err.join(timeout=2)
        for stream in (self.proc.stdout, self.proc.stderr):
            stream.close()
        self.sock.close()
        self._tmp.cleanup()

    def _cause(self) -> str:
        code = self.proc.wait()
        self.out.join(timeout=2)
        self.err.join(timeout=2)
        where = f"in {self.phase}"
        if self.flooded:
            return (
                f"your code printed more than {OUTPUT_LIMIT >> 20} MB {where} (a print in a loop?); the run was stopped"
            )
        if code < 0:
            name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
            what = {
                "SIGSEGV": "a segmentation fault",
                "SIGKILL": "killed (out of memory?)",
                "SIGABRT": "aborted",
                "SIGBUS": "a bus error",
            }.get(name, "a signal")
            return f"the learner's process crashed {where}: {name} ({what})"
        if "MemoryError" in self.err.text()[-2000:]:
            return f"memory limit exceeded {where}"
        return (
            f"the learner's process exited with code {code} {where} before finishing "
            "(exit, os._exit, an exit from a thread, or a crash)"
        )

"""The parent side of grading (no torch): start the worker with limits, feed it a job, watch it.

The worker is started first, so that its `import torch` overlaps with the parent's own work.
Its messages arrive as JSON lines on a private pipe; stdout and stderr are drained by threads
and kept up to a limit. A phase that outlives its timeout, a flood of output, a crash or an exit
before `done` ends the run as an error that names the cause and the case it happened in.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

MEMORY_LIMIT = 4 << 30  # address space of the worker on CPU; torch itself maps about 0.8 GiB
OUTPUT_LIMIT = 1 << 20  # what the learner may print in all before the run is stopped
OUTPUT_KEEP = 4000  # characters of stdout and of stderr kept in the result
STARTUP_TIMEOUT = 90.0
MEMORY_ENV = "LLMPREP_WORKER_MEMORY"
TOTAL_TIMEOUT = 120.0


def has_cuda_device() -> bool:
    """A cheap guess without importing torch: CUDA inside the worker would not survive RLIMIT_AS."""
    return os.path.exists("/dev/nvidia0") or os.path.exists("/dev/nvidiactl")


class _Drain(threading.Thread):
    def __init__(self, stream, worker: "Worker"):
        super().__init__(daemon=True)
        self.stream = stream
        self.worker = worker
        self.kept = bytearray()
        self.total = 0

    def run(self) -> None:
        while chunk := self.stream.read1(1 << 16) if hasattr(self.stream, "read1") else self.stream.read(1 << 16):
            self.total += len(chunk)
            if len(self.kept) < OUTPUT_KEEP:
                self.kept += chunk[: OUTPUT_KEEP - len(self.kept)]
            self.worker.output_written(len(chunk))

    def text(self) -> str:
        text = self.kept.decode("utf-8", "replace")
        if self.total > len(self.kept):
            text += f"\n[... truncated: {self.total / 1e6:.1f} MB written, the first {len(self.kept)} bytes kept]"
        return text


class Worker:
    """One grading child process."""

    def __init__(self, device: str = "auto", cwd: Path | None = None, memory_limit: int | None = MEMORY_LIMIT):
        uses_cuda = device == "cuda" or (device == "auto" and has_cuda_device())
        limit = None if uses_cuda else memory_limit  # CUDA reserves huge address ranges
        read_fd, write_fd = os.pipe()
        self._tmp = None
        args = [sys.executable, "-u"]
        if sys.version_info >= (3, 11):
            args.append("-P")  # the learner's folder must not shadow torch or the standard library
        else:
            self._tmp = tempfile.TemporaryDirectory()
            cwd = Path(self._tmp.name)
        # one intra-op thread: the cases are small, and spinning thread pools collapse on a busy machine
        env = dict(os.environ, PYTHONUNBUFFERED="1", PYTHONDONTWRITEBYTECODE="1", PYTHONFAULTHANDLER="1",
                   OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
        if limit:
            env[MEMORY_ENV] = str(limit)  # the worker applies it to itself (no preexec_fn: threads are safe)
        package_root = str(Path(__file__).resolve().parent.parent.parent)  # llmprep importable with -P too
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [package_root, os.environ.get("PYTHONPATH")]))
        self.proc = subprocess.Popen(
            args + ["-m", "llmprep.grading.worker", str(write_fd)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, pass_fds=(write_fd,), start_new_session=True,
            cwd=str(cwd) if cwd else None, env=env)
        os.close(write_fd)
        self.fd = read_fd
        self.flooded = False
        self.out = _Drain(self.proc.stdout, self)
        self.err = _Drain(self.proc.stderr, self)
        self.out.start()
        self.err.start()

    def output_written(self, size: int) -> None:
        if self.out.total + self.err.total > OUTPUT_LIMIT and not self.flooded:
            self.flooded = True
            self.kill()

    def send(self, job: dict) -> None:
        try:
            self.proc.stdin.write((json.dumps(job) + "\n").encode())
            self.proc.stdin.close()
        except BrokenPipeError:
            pass  # it died during startup; messages() reports how

    def kill(self) -> None:
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def close(self) -> None:
        self.kill()
        self.proc.wait()
        self.out.join(timeout=2)
        self.err.join(timeout=2)
        for stream in (self.proc.stdin, self.proc.stdout, self.proc.stderr):
            try:
                stream.close()
            except OSError:  # stdin of a process that died before reading it
                pass
        os.close(self.fd)
        if self._tmp:
            self._tmp.cleanup()

    def messages(self, total_timeout: float = TOTAL_TIMEOUT):
        """Yield each message; finally yield {"t": "stopped", "cause": ...} unless `done` arrived."""
        buffer = b""
        phase = {"what": "startup", "name": "", "timeout": STARTUP_TIMEOUT}
        phase_deadline = time.monotonic() + STARTUP_TIMEOUT
        total_deadline = time.monotonic() + total_timeout
        while True:
            now = time.monotonic()
            wait = min(phase_deadline, total_deadline) - now
            if wait <= 0:
                self.kill()
                limit = phase["timeout"] if phase_deadline <= total_deadline else total_timeout
                where = f"case {phase['name']}" if phase["what"] == "case" else f"the {phase['what']} phase"
                yield {"t": "stopped", "phase": phase, "cause":
                       f"timed out after {limit:g} s in {where} (an infinite loop, or far too slow?)"}
                return
            ready, _, _ = select.select([self.fd], [], [], wait)
            if not ready:
                continue
            chunk = os.read(self.fd, 1 << 16)
            if not chunk:
                break
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                try:
                    message = json.loads(line)
                except ValueError:
                    continue  # not ours: someone wrote garbage to the pipe
                if message.get("t") == "phase":
                    phase = {"what": message["what"], "name": message.get("name", ""),
                             "timeout": float(message.get("timeout", STARTUP_TIMEOUT))}
                    phase_deadline = time.monotonic() + phase["timeout"]
                finished = message.get("t") == "done"
                if finished:  # the worker let go of stdout and stderr first: drain them to the end
                    self.out.join(timeout=2)
                    self.err.join(timeout=2)
                yield message
                if finished:
                    return
        code = self.proc.wait()
        self.out.join(timeout=2)
        self.err.join(timeout=2)
        yield {"t": "stopped", "phase": phase, "cause": self._cause(code, phase)}

    def _cause(self, code: int, phase: dict) -> str:
        where = f"in case {phase['name']}" if phase["what"] == "case" else f"in the {phase['what']} phase"
        if self.flooded:
            return f"your code printed more than {OUTPUT_LIMIT >> 20} MB {where} (a print in a loop?); the run was stopped"
        if code < 0:
            name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
            what = {"SIGSEGV": "a segmentation fault", "SIGKILL": "killed (out of memory?)",
                    "SIGABRT": "aborted", "SIGBUS": "a bus error"}.get(name, "a signal")
            return f"the grading process crashed {where}: {name} ({what})"
        if "MemoryError" in self.err.text()[-2000:]:
            return f"memory limit exceeded {where}"
        return (f"the grading process exited with code {code} {where} before finishing "
                "(os._exit, an exit from a thread, or a crash)")

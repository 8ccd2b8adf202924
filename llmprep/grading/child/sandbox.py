"""Limits the learner's process puts on itself before it imports torch (no torch here).

Landlock (Linux >= 5.13) through raw syscalls: Landlock only allows, so the parent lists what the
learner needs (read: the Python installation and system libraries; read/write: its temporary
folder) and everything else, the references, the bank and the progress store among it, is out of
reach, for every process the learner starts too. Plus the process-count, address-space and core
limits. `restrict` returns what it could not apply, for the grade's output to say.
"""

from __future__ import annotations

import ctypes
import os
import resource
import struct

SYS_CREATE_RULESET, SYS_ADD_RULE, SYS_RESTRICT_SELF = 444, 445, 446  # the same on x86_64 and arm64
PR_SET_NO_NEW_PRIVS = 38
RULE_PATH_BENEATH = 1
CREATE_RULESET_VERSION = 1
EXECUTE, WRITE_FILE, READ_FILE, READ_DIR = 1 << 0, 1 << 1, 1 << 2, 1 << 3
FILE_ONLY = EXECUTE | WRITE_FILE | READ_FILE | (1 << 14) | (1 << 15)  # + TRUNCATE, IOCTL_DEV
NET_BIND, NET_CONNECT = 1 << 0, 1 << 1
SCOPE_ABSTRACT_UNIX, SCOPE_SIGNAL = 1 << 0, 1 << 1


def _handled(abi: int) -> int:
    """Every filesystem right this ABI knows: each one handled is denied unless a rule allows it."""
    bits = 13 + (abi >= 2) + (abi >= 3) + (abi >= 5)  # REFER (2), TRUNCATE (3), IOCTL_DEV (5)
    return (1 << bits) - 1


def abi_version() -> int:
    """0 where the kernel has no Landlock (or it is disabled, or this is not Linux)."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        version = libc.syscall(SYS_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(CREATE_RULESET_VERSION))
    except (OSError, AttributeError):
        return 0
    return max(0, version)


def landlock(read: list[str], write: list[str]) -> str:
    """Restrict this process (and its future children) to `read` and `write`; '' or why it could not."""
    if not read and not write:
        return "turned off (LLMPREP_SANDBOX=off): the file-system sandbox is off"
    abi = abi_version()
    if abi <= 0:
        return "this kernel has no Landlock: the file-system sandbox is off"
    libc = ctypes.CDLL(None, use_errno=True)
    handled = _handled(abi)
    attr = struct.pack("=Q", handled)
    if abi >= 4:
        attr += struct.pack("=Q", NET_BIND | NET_CONNECT)  # no TCP at all
    if abi >= 6:
        attr += struct.pack("=Q", SCOPE_ABSTRACT_UNIX | SCOPE_SIGNAL)  # no signals to the grader
    buf = ctypes.create_string_buffer(attr, len(attr))
    ruleset = libc.syscall(SYS_CREATE_RULESET, buf, ctypes.c_size_t(len(attr)), ctypes.c_uint32(0))
    if ruleset < 0:
        return f"landlock_create_ruleset failed (errno {ctypes.get_errno()}): the file-system sandbox is off"
    try:
        readable = handled & (EXECUTE | READ_FILE | READ_DIR)
        for paths, access in ((read, readable), (write, handled)):
            for path in paths:
                try:
                    fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
                except OSError:
                    continue  # not on this system
                try:
                    allowed = access if os.path.isdir(path) else access & FILE_ONLY
                    rule = ctypes.create_string_buffer(struct.pack("=Qi", allowed, fd), 12)
                    if libc.syscall(SYS_ADD_RULE, ruleset, RULE_PATH_BENEATH, rule, ctypes.c_uint32(0)) < 0:
                        return f"landlock_add_rule({path}) failed (errno {ctypes.get_errno()}): the sandbox is off"
                finally:
                    os.close(fd)
        if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0:
            return "prctl(PR_SET_NO_NEW_PRIVS) failed: the file-system sandbox is off"
        if libc.syscall(SYS_RESTRICT_SELF, ruleset, ctypes.c_uint32(0)) < 0:
            return f"landlock_restrict_self failed (errno {ctypes.get_errno()}): the sandbox is off"
    finally:
        os.close(ruleset)
    return ""


def limit(memory: int | None, processes: int | None) -> None:
    """No core dumps; the address space and the process count the parent chose."""
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    for kind, value in ((resource.RLIMIT_AS, memory), (resource.RLIMIT_NPROC, processes)):
        if value:
            try:
                resource.setrlimit(kind, (value, value))
            except (ValueError, OSError):  # macOS refuses RLIMIT_AS; the timeouts still hold
                pass

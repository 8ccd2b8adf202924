"""The learner's process: enter the sandbox, import torch, load the learner's file under the guard,
then answer one CallRequest after another until the grader hangs up.

It never sees the reference, the expected values or the comparison: it is told only the inputs.
Started by runner.py from a copy of this package in the learner's temporary folder.
"""

from __future__ import annotations

import faulthandler
import os
import sys
import warnings
from pathlib import Path

from . import frames, sandbox
from .control import CHANNEL_ENV, Load, Setup


def _entry_type(entry, kind: str) -> str:
    import torch

    if entry is None:
        return "missing"
    if kind == "module":
        return "module class" if isinstance(entry, type) and issubclass(entry, torch.nn.Module) else "other"
    return "function" if callable(entry) and not isinstance(entry, type) else ("class" if callable(entry) else "other")


def main() -> None:
    sock = frames.channel_from_env(CHANNEL_ENV)
    data, _ = frames.receive(sock)
    setup = Setup(**data)
    sandbox.limit(setup.memory, setup.processes)
    why_off = sandbox.landlock(setup.read, setup.write)
    sys.path[:] = [setup.links.get(os.path.realpath(p), p) for p in sys.path if p]
    faulthandler.enable()
    warnings.filterwarnings("ignore", message="Failed to initialize NumPy")  # torch without numpy: not theirs
    import torch  # the slow import runs while the grader computes the reference

    torch.set_num_threads(1)
    from .call import error_info, load_file, run_call
    from .guard import Forbidden, Guard
    from .wire import CallReply, ErrorInfo, Loaded, decode_request, encode_reply

    data, _ = frames.receive(sock)
    data.pop("t", None)
    load = Load(**data)
    hidden = [os.path.realpath(p) for p in load.protected]
    sys.path[:] = [p for p in sys.path if not any(h.startswith(os.path.realpath(p) + os.sep) for h in hidden)]
    guard = Guard(load.forbidden, load.protected)
    guard.install()
    path = Path(load.file)
    sys.path.append(str(path.parent))  # last: their other files import, but never shadow torch
    frames.send(sock, {"t": "ready"})
    loaded = Loaded(ok=False, entry_type="missing", sandbox=why_off, device=load.device)
    entry = None
    try:
        with guard.on():
            module = load_file(path, "learner_" + path.stem)
        entry = getattr(module, load.entry, None)
        loaded.entry_type = _entry_type(entry, load.kind)
        loaded.ok = loaded.entry_type in ("function", "module class")
    except BaseException as exc:  # noqa: BLE001 - anything their file does at import time is their result
        loaded.error = error_info(exc, str(path))
    loaded.forbidden = Forbidden.hits[0] if Forbidden.hits else None
    frames.send(sock, {"t": "loaded", **loaded.to_json()})
    if not loaded.ok:
        return
    while True:
        try:
            data, blob = frames.receive(sock)
        except frames.Closed:
            return
        if data.get("t") == "stop":
            break
        request = decode_request(data, blob, load.device)
        Forbidden.hits.clear()
        reply = run_call(entry, request, kind=load.kind, device=load.device, guard=guard.on, file=str(path))
        reply.forbidden = Forbidden.hits[0] if Forbidden.hits else None
        try:
            frame = encode_reply(reply, request.index)
        except Exception as err:  # noqa: BLE001 - their inputs or outputs hold something that cannot be sent
            text = f"your call left a value that cannot be sent back ({type(err).__name__}: {str(err)[:200]})"
            frame = encode_reply(CallReply(error=ErrorInfo("UnsendableValue", text, "other")), request.index)
        frames.send(sock, *frame)
    for stream in (sys.stdout, sys.stderr):
        stream.flush()
    frames.send(sock, {"t": "bye"})


if __name__ == "__main__":
    main()

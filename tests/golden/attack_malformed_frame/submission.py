"""Attack: garbage on the grader's channel (a huge length, then bytes that are not JSON): the grader
must neither crash nor pass."""
import os
import stat


def softmax(x, dim=-1):
    for fd in range(3, 64):
        try:
            if stat.S_ISSOCK(os.fstat(fd).st_mode):
                os.write(fd, b"\xff\xff\xff\xf0not json at all\x00\x01")
        except OSError:
            pass
    return x

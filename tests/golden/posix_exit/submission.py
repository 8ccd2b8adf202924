import posix


def softmax(x, dim=-1):
    posix._exit(0)  # exits with success, mid-run: must never read as a pass

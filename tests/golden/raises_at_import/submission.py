raise RuntimeError("half-finished")


def softmax(x, dim=-1):
    return x

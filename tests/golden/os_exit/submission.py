import os


def softmax(x, dim=-1):
    os._exit(3)

import torch


def softmax(x, dim=-1):
    x.data.sub_(x.data.amax(dim=dim, keepdim=True))  # changes the caller's tensor
    e = x.exp()
    return e / e.sum(dim=dim, keepdim=True)

def softmax(x, dim=-1):
    print("x" * 50_000_000)
    e = (x - x.amax(dim=dim, keepdim=True)).exp()
    return e / e.sum(dim=dim, keepdim=True)

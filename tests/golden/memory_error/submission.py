def softmax(x, dim=-1):
    scratch = bytearray(20 * 2**30)  # 20 GiB
    return x

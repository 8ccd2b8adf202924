"""`llmprep bench`: time a passing drill file against the reference and PyTorch's own kernel.

A drill opts in with `solutions/<id>/bench.py` (found by glob): `SIZES` (name -> parameters),
`make_inputs(size, device, dtype, gen)` -> (args, kwargs) for one call, `fused(*args, **kwargs)`
(PyTorch's built-in or fused equivalent) and optionally `flops(size)` / `bytes_moved(size, dtype)`.
"""

"""The comparison order (shape, dtype, device, NaN/Inf, values), the trivial-output guard, the map."""

import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from llmprep.grading.compare import compare, compare_all

TOL = {"float32": (1e-5, 1e-6), "float64": (1e-10, 1e-12)}


def test_equal_tensors_pass():
    x = torch.randn(3, 4)
    assert compare("output", x.clone(), x, TOL) is None


@pytest.mark.parametrize(
    "got, want, text",
    [
        (torch.zeros(3), torch.zeros(4), "has shape (3,); expected (4,)"),
        (torch.zeros(3, dtype=torch.float64), torch.zeros(3), "has dtype float64; expected float32"),
        (
            torch.tensor([1.0, float("nan")]),
            torch.tensor([1.0, 2.0]),
            "1 NaN value(s) where the expected values are finite",
        ),
        (torch.zeros(2, 3), torch.randn(2, 3) + 5, "is all zeros; the expected output is not"),
        (torch.full((4,), 0.25), torch.tensor([0.1, 0.2, 0.3, 0.4]), "is constant (every value is 0.25)"),
        (3.0, torch.tensor(3.0), "expected a Tensor"),
        (torch.tensor(3), 3, "use .item()"),
    ],
    ids=["shape", "dtype", "nan", "zeros", "constant", "not-a-tensor", "tensor-for-int"],
)
def test_comparison_order_and_messages(got, want, text):
    problem = compare("output", got, want, TOL)
    assert problem and text in problem.message


def test_value_failure_replays_error_figures_and_worst_index():
    want = torch.arange(12.0).reshape(3, 4)
    got = want.clone()
    got[2, 1] += 0.5
    problem = compare("output", got, want, TOL)
    message = problem.message
    assert "8.3% of 12 values differ" in message and "max abs error 0.5 at index (2, 1)" in message
    assert "got 9.5, expected 9" in message and "max rel error" in message
    assert problem.max_abs_err == pytest.approx(0.5)
    assert problem.mismatch_map["rows"] == ["....", "....", ".#.."]


def test_tolerance_is_per_dtype():
    want = torch.ones(3, dtype=torch.float64)
    assert compare("output", want + 1e-7, want, TOL) is not None
    assert compare("output", want.float() + 1e-7, want.float(), TOL) is None


def test_inf_must_match_inf():
    want = torch.tensor([float("-inf"), 1.0])
    assert compare("output", want.clone(), want, TOL) is None
    assert compare("output", torch.tensor([-1e30, 1.0]), want, TOL) is not None


def test_mask_leak_map_shows_a_triangle():
    want = torch.ones(6, 6).tril()
    got = want + 0.5 * torch.ones(6, 6).triu(1)  # the future leaks in
    rows = compare("weights", got, want, TOL).mismatch_map["rows"]
    assert rows[0] == ".+++++" and rows[-2] == ".....+" and rows[-1] == "......"


def test_large_maps_are_pooled():
    want = torch.zeros(2, 64, 64)
    got = want.clone()
    got[1, 10, 40] = 1.0
    grid = compare("w", got, want, TOL).mismatch_map
    assert len(grid["rows"]) == 16 and "w[1, :, :]" in grid["title"]


def test_structure_mismatch_is_named():
    problem = compare_all(
        [("output", torch.zeros(2))], [("output[0]", torch.zeros(2)), ("output[1]", torch.zeros(2))], TOL
    )
    assert "returned 1 value(s)" in problem.message and "expected 2" in problem.message


shapes = st.lists(st.integers(1, 6), min_size=1, max_size=4)


@settings(max_examples=40, deadline=None)
@given(shape=shapes, seed=st.integers(0, 2**31 - 1), dtype=st.sampled_from([torch.float32, torch.float64]))
def test_any_tensor_matches_itself(shape, seed, dtype):
    x = torch.randn(shape, generator=torch.Generator().manual_seed(seed), dtype=dtype)
    assert compare("output", x.clone(), x, TOL) is None


@settings(max_examples=40, deadline=None)
@given(shape=shapes, seed=st.integers(0, 2**31 - 1), data=st.data())
def test_one_wrong_value_is_found_where_it_is(shape, seed, data):
    want = torch.randn(shape, generator=torch.Generator().manual_seed(seed)) + 3.0  # never constant 0
    flat = data.draw(st.integers(0, want.numel() - 1))
    got = want.clone()
    got.view(-1)[flat] += 1.0
    problem = compare("output", got, want, TOL)
    index = tuple(int(i) for i in torch.unravel_index(torch.tensor(flat), want.shape))
    assert problem is not None and f"at index {index}" in problem.message


def test_mixed_devices_read_as_one_device_bug_line():
    from llmprep.grading.child.call import error_info
    from llmprep.grading.evaluate import explain

    exc = RuntimeError("Expected all tensors to be on the same device, but found at least two devices, cuda:0 and cpu!")
    message = explain(error_info(exc, None), None, "cuda")
    assert message.startswith("device bug: your code mixes a CPU tensor with the cuda inputs")
    assert "\n" not in message

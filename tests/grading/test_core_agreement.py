"""The grader's own core drills (softmax, attention, causal_mask, multi_head_attention, reward_loss)
agree with PyTorch's functions on seeded inputs, so a learner who matches them matches PyTorch."""

import importlib.util

import pytest
import torch
import torch.nn.functional as F

from tests.helpers import REPO


def reference(drill_id):
    spec = importlib.util.spec_from_file_location(f"_ref_{drill_id}", REPO / "solutions" / drill_id / "reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def gen():
    return torch.Generator().manual_seed(1234)


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=["f32", "f64"])
@pytest.mark.parametrize("shape, dim", [((5,), -1), ((3, 7), -1), ((4, 6), 0), ((2, 3, 5), 1)])
def test_softmax_agrees_with_torch(gen, dtype, shape, dim):
    softmax = reference("softmax").softmax
    x = (torch.randn(shape, generator=gen, dtype=torch.float64) * 50).to(dtype)
    torch.testing.assert_close(softmax(x, dim=dim), torch.softmax(x, dim=dim))
    x[..., 0] = float("-inf")
    torch.testing.assert_close(softmax(x, dim=-1), torch.softmax(x, dim=-1))


@pytest.mark.parametrize("mask_kind", ["none", "causal", "padding"])
def test_attention_agrees_with_sdpa(gen, mask_kind):
    attention = reference("attention").scaled_dot_product_attention
    q, k, v = (torch.randn(2, 3, 6, 8, generator=gen, dtype=torch.float64) for _ in range(3))
    mask = {
        "none": None,
        "causal": torch.ones(6, 6, dtype=torch.bool).tril(),
        "padding": torch.tensor([[True] * 6, [True] * 2 + [False] * 4])[:, None, None, :],
    }[mask_kind]
    output, weights = attention(q, k, v, mask)
    torch.testing.assert_close(output, F.scaled_dot_product_attention(q, k, v, attn_mask=mask))
    torch.testing.assert_close(weights.sum(-1), torch.ones(2, 3, 6, dtype=torch.float64))


def test_attention_query_with_no_key_gives_zeros(gen):
    attention = reference("attention").scaled_dot_product_attention
    q, k, v = (torch.randn(3, 4, generator=gen) for _ in range(3))
    mask = torch.ones(3, 3, dtype=torch.bool)
    mask[1] = False
    output, weights = attention(q, k, v, mask)
    assert (output[1] == 0).all() and (weights[1] == 0).all() and torch.isfinite(output).all()
    # older torch returns NaN for such a row, recent torch zeros: agree wherever it is defined
    torch.testing.assert_close(output, F.scaled_dot_product_attention(q, k, v, attn_mask=mask).nan_to_num(0.0))


@pytest.mark.parametrize("masked", [False, True])
def test_multi_head_attention_agrees_with_nn_multihead_attention(gen, masked):
    ref = reference("multi_head_attention")
    torch.manual_seed(0)
    mha = ref.MultiHeadAttention(12, 3).double()
    theirs = torch.nn.MultiheadAttention(12, 3, batch_first=True).double()
    with torch.no_grad():
        theirs.in_proj_weight.copy_(torch.cat([mha.W_q.weight, mha.W_k.weight, mha.W_v.weight]))
        theirs.in_proj_bias.copy_(torch.cat([mha.W_q.bias, mha.W_k.bias, mha.W_v.bias]))
        theirs.out_proj.weight.copy_(mha.W_o.weight)
        theirs.out_proj.bias.copy_(mha.W_o.bias)
    query = torch.randn(2, 5, 12, generator=gen, dtype=torch.float64)
    key = torch.randn(2, 7, 12, generator=gen, dtype=torch.float64)
    value = torch.randn(2, 7, 12, generator=gen, dtype=torch.float64)
    allowed = torch.rand(5, 7, generator=gen) > 0.3 if masked else None
    if masked:
        allowed[:, 0] = True  # every query keeps a key: nn.MultiheadAttention gives NaN otherwise
    expected, _ = theirs(query, key, value, attn_mask=None if allowed is None else ~allowed, need_weights=False)
    torch.testing.assert_close(mha(query, key, value, allowed), expected)


@pytest.mark.parametrize("seq_len", [1, 4, 9])
def test_causal_mask_agrees_with_torch(seq_len):
    causal_mask = reference("causal_mask").causal_mask
    blocked = torch.nn.Transformer.generate_square_subsequent_mask(seq_len) == float("-inf")
    assert torch.equal(causal_mask(seq_len), ~blocked)
    assert causal_mask(seq_len).dtype == torch.bool


def test_reward_loss_agrees_with_bce_and_stays_finite(gen):
    loss = reference("reward_loss").pairwise_reward_loss
    chosen, rejected = torch.randn(50, generator=gen) * 10, torch.randn(50, generator=gen) * 10
    expected = F.binary_cross_entropy_with_logits(chosen - rejected, torch.ones(50))
    torch.testing.assert_close(loss(chosen, rejected), expected)
    wide = torch.tensor([1e4, -1e4])
    value = loss(wide, torch.zeros(2))
    assert torch.isfinite(value) and value.item() == pytest.approx(5000.0)

"""Answer checking: letters, numbers with units, and key-point coverage with its guards."""

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from llmprep.bank.schema import KeyPoint, Text
from llmprep.quiz.answers import covers, parse_letters, parse_number

NUMBERS = [
    ("7e9", "params", 7e9), ("6.7B", "params", 6.7e9), ("70M params", "params", 7e7), ("1.2e21 FLOPs", "FLOPs", 1.2e21),
    ("1,000", "tokens", 1000), ("2.5k", "tokens", 2500), ("13 GiB", "GiB", 13), ("13GiB", "GiB", 13),
    ("2048 MiB", "GiB", 2), ("2", "GiB", 2), ("16 GB", "GB", 16), ("0.5", "", 0.5), ("20 tokens", "tokens", 20),
]


@pytest.mark.parametrize("text, unit, value", NUMBERS, ids=[n[0] for n in NUMBERS])
def test_numbers_in_many_forms(text, unit, value):
    assert math.isclose(parse_number(text, unit), value, rel_tol=1e-12)


@pytest.mark.parametrize("text, unit, message", [
    ("lots", "GiB", "type a number"), ("3 apples", "GiB", "give the answer in GiB"),
    ("5 apples", "params", "unrecognised suffix"), ("", "params", "type a number"),
], ids=["words", "bad-byte-unit", "bad-suffix", "empty"])
def test_bad_numbers_say_what_to_type(text, unit, message):
    with pytest.raises(ValueError, match=message):
        parse_number(text, unit)


@given(st.floats(min_value=1e-6, max_value=1e15, allow_nan=False))
def test_any_plain_float_round_trips(value):
    assert math.isclose(parse_number(repr(value), "params"), value, rel_tol=1e-12)


def test_letters():
    assert parse_letters(" b ", 4) == ("B",)
    assert parse_letters("c, a", 4) == ("A", "C")
    with pytest.raises(ValueError, match="A-D"):
        parse_letters("E", 4)


POINT = KeyPoint(Text("Softmax saturates.", "softmax 饱和。"), ("saturate", "20 tokens", "梯度消失", "16Ψ"))


@pytest.mark.parametrize("answer, covered", [
    ("large logits make softmax saturate", True),
    ("large logits make softmax saturates", True),            # inflection
    ("large logits make softmax satruate", True),             # typo
    ("it does not saturate", False),                         # a lone "not" does not count
    ("about 20 tokens per parameter", True),
    ("about 30 tokens per parameter", False),                # a changed number does not count
    ("大 logits 会导致梯度消失", True),
    ("这样不会梯度消失", False),                               # negated in Chinese
    ("ZeRO keeps 16 bytes", False),                          # 16 is not 16Ψ
    ("ZeRO keeps 16Ψ bytes", True),
], ids=range(10))
def test_key_point_coverage_and_guards(answer, covered):
    assert covers(answer, POINT) is covered


def test_repeating_the_prompt_ticks_nothing():
    point = KeyPoint(Text("Scale by sqrt(d_k).", "按 sqrt(d_k) 缩放。"), ("softmax", "variance"))
    prompt = "Why does softmax attention scale the logits?"
    assert not covers("because of softmax", point, prompt)
    assert covers("the variance grows", point, prompt)

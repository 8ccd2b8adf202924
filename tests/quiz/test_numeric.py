"""The numeric judge: every question of the bank accepts its own value, units and prefixes convert,
percent means percent, a unit that does not fit is a format error, common slips are named."""

from __future__ import annotations

import subprocess
import sys

import pytest

from llmprep.bank import load_bank
from llmprep.quiz import numeric, units
from llmprep.quiz.judge import AnswerFormatError, judge

BANK = load_bank().questions
NUMERIC = sorted((q for q in BANK.values() if q.type == "numeric"), key=lambda q: q.id)


def displayed(q, value: float) -> str:
    """The value with the unit the prompt shows (`5.88e+23 FLOPs`, `239.286 tokens/s`, `33.3333 %`)."""
    return f"{value:.12g} {q.unit}".rstrip()


# --- the whole bank ----------------------------------------------------------------------------------


@pytest.mark.parametrize("q", NUMERIC, ids=[q.id for q in NUMERIC])
def test_every_question_accepts_its_own_value_with_its_unit(q):
    for text in (displayed(q, q.value), repr(q.value), f"{q.value:,.12g}{q.unit}"):
        verdict = judge(q, text, "en")
        assert verdict.verdict == "correct", f"{q.id}: judge({text!r}) -> {verdict.verdict}: {verdict.message}"
        assert q.tolerance.accepts(verdict.parsed, q.value)
        assert "Correct" in verdict.message and verdict.suggested_rating == 3
    assert judge(q, displayed(q, q.value), "zh").message.startswith("正确")


@pytest.mark.parametrize("q", NUMERIC, ids=[q.id for q in NUMERIC])
def test_every_question_rejects_twice_its_value(q):
    for value in (2 * q.value, q.value / 2):
        verdict = judge(q, displayed(q, value), "en")
        assert verdict.verdict == "wrong", f"{q.id}: {displayed(q, value)!r} -> {verdict.verdict}"
        assert numeric.diagnose(q, verdict.parsed).code == "x2"
        assert verdict.suggested_rating == 1


@pytest.mark.parametrize("q", NUMERIC, ids=[q.id for q in NUMERIC])
def test_every_unit_of_the_bank_is_in_the_unit_table(q):
    assert units.question_unit(q.unit) is not None


# --- units, prefixes, percent ------------------------------------------------------------------------

ACCEPTED = [  # (question id, typed, value in the question's unit)
    ("inference/decode-bandwidth-bound-tokens-per-second", "239 tokens/s", 239),
    ("inference/decode-bandwidth-bound-tokens-per-second", "239.3 tok/s", 239.3),
    ("inference/decode-bandwidth-bound-tokens-per-second", "239 tokens per second", 239),
    ("inference/decode-bandwidth-bound-tokens-per-second", "0.239 tokens/ms", 239),
    ("inference/decode-bandwidth-bound-tokens-per-second", "每秒 239 个 token", 239),
    ("inference/decode-bandwidth-bound-tokens-per-second", "239 个/秒", 239),
    ("sft-peft/qlora-double-quant-bits", "0.127 bits/param", 0.127),
    ("sft-peft/qlora-double-quant-bits", "0.127 bits", 0.127),
    ("sft-peft/qlora-double-quant-bits", "0.127 比特/参数", 0.127),
    ("distributed-training/pipeline-microbatches-for-bubble", "285 micro-batches", 285),
    ("distributed-training/pipeline-microbatches-for-bubble", "285 microbatches", 285),
    ("mha-mqa-gqa/mla-equivalent-gqa-groups", "2.25 KV heads", 2.25),
    ("mha-mqa-gqa/mla-equivalent-gqa-groups", "2.25 个 KV 头", 2.25),
    ("pretraining-scaling/pretraining-gpu-days", "1228.8 GPU-days", 1228.8),
    ("pretraining-scaling/pretraining-gpu-days", "1228.8 GPU·天", 1228.8),
    ("pretraining-scaling/pretraining-gpu-days", "29491.2 GPU-hours", 1228.8),
    ("pretraining-scaling/chinchilla-training-flops", "588 ZFLOPs", 5.88e23),
    ("attention/score-flops-per-layer", "0.2749 TFLOPs", 2.749e11),
    ("attention/score-flops-per-layer", "274.9 GFLOP", 2.749e11),
    ("inference/tp-decode-latency-70b", "0.0175 s", 17.5),
    ("inference/tp-decode-latency-70b", "17500 us", 17.5),
    ("inference/tp-decode-latency-70b", "17500 µs", 17.5),
    ("inference/tp-decode-latency-70b", "17.5 毫秒", 17.5),
    ("inference/end-to-end-latency-ttft-tpot", "12675 ms", 12.675),
    ("attention/kv-cache-bytes-7b", "2048 MiB", 2),
    ("attention/kv-cache-bytes-7b", "2^31 bytes", 2),
    ("attention/kv-cache-bytes-7b", "2147483648 B", 2),
    ("attention/kv-cache-bytes-7b", "2.147 GB", 1.99955),
    ("attention/kv-cache-bytes-7b", "16 Gbit", 1.862645),
    ("inference/kv-cache-prealloc-fp32-mib", "0.140625 GiB", 144),
    ("sft-peft/lora-adapter-checkpoint-size", "79954 KB", 79.954),
    ("transformer-architecture/llama2-7b-param-count", "6.74B", 6.74e9),
    ("transformer-architecture/llama2-7b-param-count", "6.74 B params", 6.74e9),
    ("transformer-architecture/llama2-7b-param-count", "6.74 billion parameters", 6.74e9),
    ("transformer-architecture/llama2-7b-param-count", "67.4亿参数", 6.74e9),
    ("transformer-architecture/llama2-7b-param-count", "6,738,415,616", 6738415616),
    ("transformer-architecture/llama2-7b-param-count", "6_738_415_616", 6738415616),
    ("transformer-architecture/llama2-7b-param-count", "6.738e9", 6.738e9),
    ("transformer-architecture/llama2-7b-param-count", "6.738E9", 6.738e9),
    ("transformer-architecture/llama2-7b-param-count", "6.738×10^9", 6.738e9),
    ("transformer-architecture/llama2-7b-param-count", "6.738*10^9", 6.738e9),
    ("transformer-architecture/llama2-7b-param-count", "6.738x10^9", 6.738e9),
    ("transformer-architecture/llama2-7b-param-count", "6.738 × 10⁹ params", 6.738e9),
    ("pretraining-scaling/gpt3-chinchilla-tokens", "3.5T tokens", 3.5e12),
    ("pretraining-scaling/gpt3-chinchilla-tokens", "3.5 trillion", 3.5e12),
    ("pretraining-scaling/gpt3-chinchilla-tokens", "3.5万亿个token", 3.5e12),
    ("sft-peft/lora-layer-trainable-count", "241.664K", 241664),
    ("sft-peft/lora-layer-trainable-count", "24.1664万", 241664),
    ("mha-mqa-gqa/mha-param-count", "67.1M", 67.1e6),
    ("multimodal/llava15-visual-token-count", "576 visual tokens", 576),
    ("nlp-systems/llm-labelling-daily-cost", "$625", 625),
    ("nlp-systems/llm-labelling-daily-cost", "625 USD/day", 625),
    ("nlp-systems/llm-labelling-daily-cost", "625 美元", 625),
    ("inference/speculative-speedup", "2.8x", 2.8),
    ("inference/speculative-speedup", "2.8 倍", 2.8),
    ("distributed-training/zero3-per-gpu-memory-70b", "17.5 GB per GPU", 17.5),
    ("transformer-architecture/forward-flops-per-token", "14.47 GFLOPs/token", 1.447e10),
    ("classic-coding/reservoir-keep-probability", "10/1000", 0.01),
    ("classic-coding/reservoir-keep-probability", "about 0.01", 0.01),
    ("attention/kv-cache-bytes-7b", "2 x 32 x 32 x 128 x 2 x 4096 = 2^31 bytes = 2 GiB", 2),
    ("positional-encoding/rope-angle", "5 rad", 5),
    ("positional-encoding/rope-angle", "5 弧度", 5),
]


@pytest.mark.parametrize("qid, text, value", ACCEPTED, ids=[f"{q.split('/')[1]}:{t}" for q, t, _ in ACCEPTED])
def test_units_and_prefixes_convert(qid, text, value):
    reading = units.read(text, BANK[qid].unit, BANK[qid].prompt.en + BANK[qid].prompt.zh)
    assert reading.value == pytest.approx(value, rel=1e-5)


PERCENT = [  # (question id, typed, parsed, verdict)
    ("distributed-training/checkpointing-compute-overhead", "33.3%", 33.3, "correct"),
    ("distributed-training/checkpointing-compute-overhead", "33.3", 33.3, "correct"),
    ("distributed-training/checkpointing-compute-overhead", "33.3 percent", 33.3, "correct"),
    ("distributed-training/checkpointing-compute-overhead", "百分之33.3", 33.3, "correct"),
    ("distributed-training/checkpointing-compute-overhead", "0.333", 0.333, "wrong"),
    ("attention/causal-mask-tile-fraction", "51.5625%", 0.515625, "correct"),
    ("pretraining-scaling/exact-match-sharpness", "34.87%", 0.3487, "correct"),
    ("pretraining-scaling/exact-match-sharpness", "34.87", 34.87, "wrong"),
]


@pytest.mark.parametrize(
    "qid, text, parsed, verdict", PERCENT, ids=[f"{q.split('/')[1]}:{t}" for q, t, _, _ in PERCENT]
)
def test_percent_means_percent(qid, text, parsed, verdict):
    got = judge(BANK[qid], text)
    assert (got.verdict, got.parsed) == (verdict, pytest.approx(parsed))


BINARY_COUNTS = [
    ("distributed-training/global-batch-tokens", "8M tokens"),
    ("attention/swa-receptive-field", "128K tokens"),
    ("attention/kv-cache-bytes-7b", "2G"),
]


@pytest.mark.parametrize("qid, text", BINARY_COUNTS, ids=[t for _, t in BINARY_COUNTS])
def test_a_bare_multiplier_letter_may_be_1024_based(qid, text):
    verdict = judge(BANK[qid], text)
    assert verdict.verdict == "correct" and "1024" in verdict.message


def test_billions_are_never_1024_based():
    q = BANK["transformer-architecture/llama2-7b-param-count"]  # 6,738,415,616: 6.28 x 1024^3 is within 1%
    assert judge(q, "6.28B params").verdict == "wrong"
    assert judge(q, "6.74B params").verdict == "correct"


MISFITS = [  # (question id, typed, the unit the message must name)
    ("attention/swa-receptive-field", "13 GiB", "tokens"),
    ("transformer-architecture/llama2-7b-param-count", "6.7B tokens", "params"),
    ("inference/decode-bandwidth-bound-tokens-per-second", "239 tokens", "tokens/s"),
    ("attention/kv-cache-bytes-7b", "2 ms", "GiB"),
    ("pretraining-scaling/perplexity-from-loss", "7.389 GB", "plain number"),
    ("attention/kv-cache-bytes-7b", "2 widgets", "GiB"),
    ("attention/kv-cache-bytes-7b", "two", "GiB"),
    ("attention/kv-cache-bytes-7b", "", "GiB"),
]


@pytest.mark.parametrize("qid, text, unit", MISFITS, ids=[f"{q.split('/')[1]}:{t or 'empty'}" for q, t, _ in MISFITS])
def test_a_unit_that_does_not_fit_is_a_format_error_naming_the_unit(qid, text, unit):
    with pytest.raises(AnswerFormatError, match=unit.replace("/", ".")):
        judge(BANK[qid], text)


# --- slips, near misses and the partial rule ---------------------------------------------------------

SLIPS = [  # (question id, typed, slip code, verdict)
    ("attention/kv-cache-bytes-7b", "1 GiB", "x2", "wrong"),
    ("attention/kv-cache-bytes-7b", "4 GiB", "x2", "wrong"),
    ("attention/kv-cache-bytes-7b", "2.147 GiB", "1000-1024", "partial"),
    ("attention/kv-cache-bytes-7b", "2 GB", "1000-1024", "partial"),
    ("inference/kv-cache-prealloc-fp32-mib", "144 MB", "1000-1024", "partial"),
    ("distributed-training/adam-mixed-precision-memory-7b", "104.3", "1000-1024", "partial"),
    ("attention/swa-receptive-field", "128000", "1000-1024", "partial"),
    ("attention/kv-cache-bytes-7b", "16 GiB", "x8", "wrong"),
    ("inference/72b-on-consumer-gpu-check", "288 GB", "x8", "wrong"),
    ("attention/kv-cache-bytes-7b", "20 GiB", "pow10", "wrong"),
    ("pretraining-scaling/chinchilla-training-flops", "5.88e22", "pow10", "wrong"),
    ("transformer-architecture/llama2-7b-param-count", "6.74M", "pow10", "wrong"),
    ("distributed-training/checkpointing-compute-overhead", "0.333", "pow10", "wrong"),
    ("positional-encoding/sinusoidal-value", "0.544", "sign", "wrong"),
    ("alignment/bradley-terry-loss-value", "0.452", "ln2", "wrong"),
]


@pytest.mark.parametrize("qid, text, code, verdict", SLIPS, ids=[f"{c}:{q.split('/')[1]}:{t}" for q, t, c, _ in SLIPS])
def test_common_slips_are_named(qid, text, code, verdict):
    q = BANK[qid]
    got = judge(q, text)
    assert got.verdict == verdict
    assert numeric.diagnose(q, got.parsed).code == code
    assert "slip" in got.message
    assert "失误" in judge(q, text, "zh").message


def test_slip_messages_say_what_went_wrong():
    q = BANK["attention/kv-cache-bytes-7b"]
    assert "K and V" in judge(q, "1 GiB").message
    assert "GB vs GiB" in judge(q, "2 GB").message
    assert "bits vs bytes" in judge(q, "16 GiB").message
    assert "a power of ten, 10x too high" in judge(q, "20 GiB").message
    assert "10^6x too low" in judge(q, "2e-6 GiB").message
    assert "percentage" in judge(BANK["distributed-training/checkpointing-compute-overhead"], "0.333").message


def test_a_near_miss_is_partial_and_says_how_close_and_the_tolerance():
    q = BANK["inference/decode-bandwidth-bound-tokens-per-second"]  # 239.29, tolerance 2%
    got = judge(q, "246.7 tokens/s")
    assert (got.verdict, got.suggested_rating) == ("partial", 2)
    assert "within 3.1%" in got.message and "the tolerance is 2%" in got.message
    assert "容差为 2%" in judge(q, "246.7 tokens/s", "zh").message
    assert judge(q, "255 tokens/s").verdict == "wrong"  # 6.6%: beyond twice the tolerance


def test_an_exact_count_has_no_near_miss():
    q = BANK["distributed-training/pipeline-microbatches-for-bubble"]  # 285, abs 0.5
    assert judge(q, "286").verdict == "wrong"
    assert "off by 1" in judge(q, "286").message


def test_an_absolute_tolerance_is_reported_as_such():
    q = BANK["ffn-activations/gelu-at-one"]  # 0.8413 +- 0.0005
    got = judge(q, "0.8421")
    assert got.verdict == "partial" and "±0.0005" in got.message


def test_correct_message_shows_the_exact_value():
    q = BANK["inference/decode-bandwidth-bound-tokens-per-second"]
    assert judge(q, "239 tokens/s").message == "Correct: 239 tokens/s (exact 239.286)."


def test_numeric_judge_stays_light():
    code = (
        "import sys, llmprep.quiz.numeric, llmprep.quiz.units; "
        "print(sorted(m for m in ('torch', 'numpy', 'rich') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"

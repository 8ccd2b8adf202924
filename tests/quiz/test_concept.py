"""The concept judge: phrase matching, negation, claims, echoes, misconceptions, and the whole bank's
key points ticked by their own text and reference answers judged correct, in both languages."""

import pytest

from llmprep.bank import load_bank
from llmprep.bank.schema import KeyPoint, Question, Text
from llmprep.quiz.concept import holds, judge_concept, parse_pattern, self_check, sentences

HOLDS = {
    "inflection": ("variance | 方差 + grow | 增长", "the variance grows", True),
    "prefix": ("saturat*", "softmax saturation kills the gradient", True),
    "british": ("normalize", "we normalise it", True),
    "possessive": ("swiglu + three", "SwiGLU's three matrices", True),
    "code-parts": ("no_sync", "wrap it in model.no_sync() for accumulation", True),
    "code-attribute": ("hidden size", "read config.hidden_size from the config", True),
    "code-call": ("max(0, x)", "relu is max(0, x) elementwise", True),
    "negated-en": ("variance + grow", "the variance does not grow", False),
    "negated-en-verb-phrase": ("gradient* + explod*", "it doesn't make the gradients explode", False),
    "negated-rather-than": ("gradient* + explod*", "the gradients vanish rather than explode", False),
    "negation-elsewhere": ("variance + grow", "without scaling the variance grows with d_k", True),
    "not-only": ("variance + grow", "not only does the variance grow, it also shifts", True),
    "negated-zh": ("梯度 + 爆炸", "梯度不会爆炸", False),
    "negated-zh-verb-phrase": ("梯度 + 爆炸", "这并不会导致梯度爆炸", False),
    "zh-negation-over-use": ("rope", "没有用 RoPE", False),
    "zh-cannot": ("绕过", "过滤无法绕过", False),
    "zh-compound-not-negation": ("方差 + 增长", "方差不断增长", True),
    "zh-negation-other-clause": ("方差 + 增长", "如果不缩放，方差会增长", True),
    "mixed-language": ("softmax + 饱和", "logits 太大时 softmax 会饱和", True),
    "other-sentence": ("variance + grow", "The variance is large. It grows with d_k.", False),
    "list-is-no-claim": ("variance + grow*", "variance, growth, softmax, gradients", False),
    "zh-list-is-no-claim": ("方差 + 增长", "方差、增长、饱和、梯度", False),
    "thousands-separator": ("151643 tokens", "a vocabulary of 151,643 tokens", True),
    "curly-apostrophe": ("variance + grow", "the variance doesn’t grow", False),
    "abbreviation-is-no-sentence-end": ("variance + grow", "the variance of e.g. q.k grows", True),
    "typo-in-a-long-word": ("saturat* | softmax saturate", "large logits make softmax satruate", True),
    "typo-and-inflection": ("saturate", "the softmax satruates", True),
    "short-words-need-spelling": ("expert", "the export layer", False),
    "another-ending-is-no-typo": ("updates the weights", "the table stores updated weights", False),
    "et-al-is-no-sentence-end": ("kaplan + faster", "Kaplan et al. said parameters should grow faster", True),
    "greek-letters": ("gamma + beta + learn*", "γ and β are learned", True),
    "math-symbols": ("ge 0", "the ratio is ≥ 0", True),
    "no-match-across-chinese": ("q/p", "max(0,p−q)，加起来正好是 p", False),
    "code-call-is-one-clause": ("super + optional", "super().__init__() is optional", True),
    "negation-over-use": ("causal mask", "it doesn't use a causal mask", False),
    "negation-over-a-preposition": ("depend* + m - n", "the score depends on absolute positions, not on m - n", False),
    "less-than-is-not-greater-than": ("alpha < 1", "choose alpha > 1", False),
    "negation-without-apostrophe": ("exist", "jax.optimizers doesnt exist", False),
    "colon-list-is-a-claim": ("学习率 + 爆炸", "常见原因：学习率过高、logits 爆炸、fp16 溢出", True),
    "colon-then-long-term-list-is-no-claim": (
        "长度 + 偏置",
        "长度偏置：RLHF、DPO、奖励模型、偏好数据、冗长、KL、SimPO、长度惩罚、长度归一化",
        False,
    ),
    "wrapped-lines-join": ("tying + save*", "weight tying saves\nV x d parameters", True),
    "bullet-terms-are-no-claim": (
        "softmax + saturat*",
        "- variance\n- softmax saturation\n- sqrt(d_k)\n- gradients",
        False,
    ),
    "bullet-claims-count": ("softmax + saturat*", "- variance grows with d_k\n- softmax saturates\n- scale it", True),
    "grouped-number-before-chinese-comma": ("1,000,000", "从 10,000 提到 1,000,000，让外推更好", True),
    "no-comma-number-across-clauses": ("3128", "到了 Qwen3，128 个专家", False),
    "digits-exact": ("16 bytes", "it takes 61 bytes per parameter", False),
    "non-negates": ("contiguous block*", "pages live in non-contiguous blocks", False),
    "unlike-is-a-contrast-not-a-negation": ("fine-tun* + persist*", "unlike fine-tuning, nothing persists", True),
    "prefix-y-reads-ies": ("copy* + block*", "the engine copies the shared block on write", True),
    "zh-cheng-is-a-claim": ("幂律", "损失对 N、D、C 呈幂律", True),
}


@pytest.mark.parametrize("pattern, text, want", HOLDS.values(), ids=HOLDS.keys())
def test_pattern_holds(pattern, text, want):
    assert holds(parse_pattern(pattern), sentences(text), []) is want


def _question(points, prompt="Why divide attention logits by sqrt(d_k)?"):
    return Question(
        id="attention/x",
        sets=("extended",),
        topic="attention",
        difficulty="mid",
        type="concept",
        prompt=Text(prompt, "为什么要除以 sqrt(d_k)？"),
        answer=Text("a", "a"),
        file="f",
        line=1,
        key_points=tuple(points),
    )


VARIANCE = KeyPoint(
    Text("Variance grows with d_k.", "方差随 d_k 增长。"),
    ("variance | 方差", "grow | increas* | 增长 | 变大"),
    ("variance | 方差 + shrink* | 减小",),
)
SATURATE = KeyPoint(
    Text("Softmax saturates, gradients vanish.", "softmax 饱和，梯度消失。"),
    ("saturat* | vanish* | one-hot | 饱和 | 梯度消失",),
    ("gradient* | 梯度 + explod* | 爆炸",),
)
UNIT = KeyPoint(
    Text("Dividing restores unit variance.", "除以它使方差回到 1。"),
    ("unit variance | variance of 1 | variance 1 | 方差为 1 | 方差回到 1",),
    essential=False,
)
Q = _question([VARIANCE, SATURATE, UNIT])


@pytest.mark.parametrize(
    "text, verdict",
    [
        ("The variance of q.k grows with d_k, so softmax saturates and its gradients vanish.", "correct"),
        ("方差随 d_k 增长，softmax 会饱和，梯度消失。", "correct"),
        ("The variance grows with d_k.", "partial"),
        ("Scaling by sqrt(d_k) makes the gradients explode.", "wrong"),
        ("The variance grows, and large logits make the gradients explode.", "wrong"),
        ("variance, saturation, unit variance, gradients", "wrong"),
        ("Because we divide the attention logits by sqrt(d_k).", "wrong"),
    ],
    ids=["en", "zh", "one-of-two-essentials", "misconception", "right-then-misconception", "stuffing", "echo"],
)
def test_verdicts(text, verdict):
    assert judge_concept(Q, text).verdict == verdict


def test_a_misconception_must_hold_within_one_clause():
    point = KeyPoint(
        Text("Small chunks lose context.", "小块丢失上下文。"),
        ("small | 小", "lose context | lack* context"),
        ("large | 大 + lack* context",),
    )
    q = _question([point], prompt="How does chunk size matter in RAG?")
    assert judge_concept(q, "Small chunks lack context, large chunks blur topics.").verdict == "correct"
    assert judge_concept(q, "Large chunks lack context.").verdict == "wrong"


def test_an_optional_point_is_not_needed_for_correct():
    result = judge_concept(Q, "Variance grows with d_k; softmax saturates.")
    assert result.verdict == "correct" and [p.hit for p in result.points] == [True, True, False]


def test_echoing_the_prompt_ticks_nothing():
    point = KeyPoint(Text("Divide by sqrt(d_k).", "除以 sqrt(d_k)。"), ("divid* | 除以", "sqrt"))
    q = _question([point])
    assert judge_concept(q, "We divide the logits by sqrt(d_k).").verdict == "wrong"


def test_every_key_point_ticks_itself_and_every_reference_answer_is_correct():
    """In both languages, as `llmprep dev check` requires."""
    failing = [
        f"{q.file}:{q.line} [{q.id}] {message}"
        for q in load_bank().questions.values()
        if q.type == "concept"
        for message in self_check(q)
    ]
    assert not failing, f"{len(failing)} problems:\n" + "\n".join(failing[:40])

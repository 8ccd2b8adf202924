"""Rendering questions for the terminal: the light Markdown path, LaTeX to Unicode, and every
question of the bank rendered in both languages with its math intact."""

import io
import re

import pytest
from rich.console import Console
from rich.markdown import Markdown

from llmprep import latex, render
from llmprep.bank import load_bank
from llmprep.render import markdown


def plain(renderable, width: int = 200) -> str:
    console = Console(width=width, record=True, color_system=None, file=io.StringIO())
    console.print(renderable)
    return console.export_text().rstrip("\n")


def test_soft_breaks_join_with_a_space_in_english_and_none_in_chinese():
    assert (
        plain(markdown("first line\nsecond `code` and **bold**\n\nnew paragraph"))
        == "first line second code and bold\n\nnew paragraph"
    )
    assert plain(markdown("第一行，\n第二行。\nThen English")) == "第一行，第二行。 Then English"


def test_block_markdown_goes_to_rich():
    assert isinstance(markdown("```python\nx = 1\n```"), Markdown)
    assert isinstance(markdown("- a list item"), Markdown)


@pytest.mark.parametrize(
    "tex, text",
    [
        (r"\frac{QK^\top}{\sqrt{d_k}}", "QKᵀ/√dₖ"),
        (r"\mathbb{E}_{y \sim \pi}[r(x,y)]", "𝔼_(y ∼ π)[r(x,y)]"),
        (r"\pi_{ref}", "π_ref"),
        (r"\pi_\theta", "π_θ"),
        (r"\beta\log\frac{\pi_\theta(y|x)}{\pi_{ref}(y|x)}", "β log (π_θ(y|x))/(π_ref(y|x))"),
        (r"-\frac{1}{T}\sum_{t=1}^{T} \log p", "-(1/T)∑ₜ₌₁ᵀ log p"),
        (r"\frac{a+b}{2}", "(a+b)/2"),
        (r"\sqrt{x}", "√x"),
        (r"\sqrt{x + 1}", "√(x + 1)"),
        (r"\sqrt[3]{8}", "³√8"),
        (r"10^{-6}", "10⁻⁶"),
        (r"b^{-2i/d}", "b^(-2i/d)"),
        (r"d_{\text{model}}", "d_model"),
        (r"\text{max\_norm}", "max_norm"),
        (r"2/6 \approx 33\%", "2/6 ≈ 33%"),
        (r"a \le b \cdot c \times d", "a ≤ b · c × d"),
        (r"\exp\left(\frac{r}{\beta}\right)", "exp(r/β)"),
        (r"\|g\|", "‖g‖"),
        (r"\hat{\theta}", "θ̂"),
        (r"\binom{n}{k}", "C(n, k)"),
        (r"\operatorname*{argmax}_x f", "argmaxₓ f"),
        (r"\mathcal{L}", "ℒ"),
        (r"\foo{x} + \alpha", r"\foo{x} + α"),  # unknown: verbatim, never dropped
    ],
    ids=lambda v: v if isinstance(v, str) and v.isascii() else None,
)
def test_latex_to_unicode(tex, text):
    assert latex.to_unicode(tex) == text


def test_math_survives_markdown_blocks():
    source = (
        "1. maximize $\\mathbb{E}_{y \\sim \\pi}[r] - \\beta\\,\\mathrm{KL}(\\pi \\| \\pi_{ref})$\n"
        "2. a *real* emphasis and `code $x_1$ kept`\n\n| a | b |\n|---|---|\n| $x_i \\mid y$ | $a*b*c$ |\n"
    )
    text = plain(markdown(source))
    assert "𝔼_(y ∼ π)[r] - β KL(π ‖ π_ref)" in text
    assert "code $x_1$ kept" in text  # code is never converted
    assert "xᵢ | y" in text and "a*b*c" in text
    assert "\\" not in text


def test_a_dollar_amount_is_not_math():
    assert plain(markdown("it costs $5 and $6 per hour")) == "it costs $5 and $6 per hour"


def test_chinese_table_cells_fold_instead_of_being_cut():
    source = "| 项 | 说明 |\n|---|---|\n| 甲 | " + "很长的中文说明没有空格可以换行" * 6 + "，结尾在这里 |\n"
    assert "结尾在这里" in re.sub(r"[\s│]", "", plain(markdown(source), width=60))


def _fields(q, lang):
    texts = [q.prompt, q.answer, q.explanation, q.solution, *q.hints, *q.choices, *(kp.text for kp in q.key_points)]
    return [t.get(lang) for t in texts if t is not None]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_question_renders_its_math_intact(lang):
    """Each `$...$` of the bank appears converted and whole in the rendered text (whitespace aside:
    rich wraps lines): no backslash lost, no `_` or `*` read as emphasis, no table cell cut."""
    bank = load_bank()
    squash = re.compile(r"\s+")
    mangled, spans = [], 0
    for q in bank.questions.values():
        console = Console(record=True, width=100, color_system=None, file=io.StringIO())
        console.print(render.header(q, lang))
        console.print(render.prompt(q, lang))
        console.print(render.answer(q, lang))
        for hint in q.hints:
            console.print(render.inline(hint.get(lang)))
        shown = squash.sub("", console.export_text())
        for field in _fields(q, lang):
            for tex in render.math_spans(field):
                spans += 1
                converted = latex.to_unicode(tex)
                unknown = [c for c in re.findall(r"\\([A-Za-z]+)", tex) if c not in latex.KNOWN]
                if squash.sub("", converted) not in shown or any(f"\\{c}" not in converted for c in unknown):
                    mangled.append(f"{q.id}: ${tex}$ -> {converted}")
    assert spans > 1000
    assert not mangled, f"{len(mangled)} math spans mangled:\n" + "\n".join(mangled[:20])


def test_points_mark_hit_missed_contradicted_and_optional():
    from llmprep.quiz.judge import PointResult

    results = (
        PointResult("Variance grows with $d_k$.", True),
        PointResult("Softmax saturates.", False),
        PointResult("Scaling keeps unit variance.", False, contradicted=True),
        PointResult("Gradients vanish.", False, essential=False),
    )
    assert plain(render.points(results, "en")).splitlines() == [
        "Key points in your answer:",
        "  ✓ Variance grows with dₖ.",
        "  ✗ Softmax saturates.",
        "  ⚠ Scaling keeps unit variance. (contradicted)",
        "  ✗ Gradients vanish. (optional)",
    ]
    assert "  ⚠ Scaling keeps unit variance.（与此相反）" in plain(render.points(results, "zh"))


def test_the_numeric_answer_shown_on_reveal_is_judged_correct_when_typed_back():
    """An exact count (tolerance 0.5) shown rounded as 2.09818e+06 would reject its own display."""
    from llmprep.bank import load_bank
    from llmprep.quiz.judge import judge
    from llmprep.render import _fmt_number

    rejected = [
        q.id
        for q in load_bank().questions.values()
        if q.type == "numeric" and not judge(q, f"{_fmt_number(q.value)} {q.unit}".strip()).correct
    ]
    assert not rejected

"""Numeric answers: read the number and its unit, compare within the tolerance, name the slip.

Verdicts (measured by benchmarks/numeric_benchmark.py on tests/quiz/corpus/*/numeric.yaml):
- correct (rating 3): within the question's tolerance, in any unit that converts (units.py);
- partial (rating 2): a near miss, outside the tolerance but within twice it ("within 3.1%, the
  tolerance is 2%"); never for an exact count (tolerance abs 0.5 on a whole number: 286 is not 285);
  also a 1000 vs 1024 slip (GB vs GiB): the method was right, a unit was misread;
- wrong (rating 1): anything else; a common slip is named: off by 2 (K and V, 2 vs 4 bytes), by 8
  (bits vs bytes), by a power of ten, by ln 2 (bits vs nats), the wrong sign, percent vs fraction.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from llmprep.bank.schema import Question
from llmprep.quiz import units
from llmprep.quiz.judge import AnswerFormatError, Verdict

NEAR_MISS = 2.0  # a miss within NEAR_MISS x the tolerance is partial
SLIP_REL = 0.01  # a slip matches when the answer is within max(tolerance, 1%) of value x factor


@dataclass(frozen=True)
class Slip:
    code: str  # x2 | 1000-1024 | x8 | pow10 | ln2 | sign
    factor: float  # typed = value x factor
    en: str
    zh: str

    @property
    def verdict(self) -> str:
        return "partial" if self.code == "1000-1024" else "wrong"


# --- formatting --------------------------------------------------------------------------------------


def fmt(x: float, digits: int = 4) -> str:
    """239.2857 -> 239.3, 6738415616 -> 6,738,415,616, 5.88e23 -> 5.88e23, 0.0010536 -> 0.001054."""
    if x == 0:
        return "0"
    if abs(x) < 1e13 and float(x).is_integer() and (abs(x) < 1e6 or len(str(int(abs(x))).rstrip("0")) > digits):
        return f"{int(x):,}"
    text = f"{x:.{digits}g}"
    if "e" in text:
        mant, exp = text.split("e")
        return f"{mant}e{int(exp)}"
    return text


def with_unit(x: float, unit: str, digits: int = 4) -> str:
    return f"{fmt(x, digits)}{unit}" if unit in ("%", "x") else f"{fmt(x, digits)} {unit}".rstrip()


def _tolerance_text(q: Question) -> str:
    tol = q.tolerance
    if tol.rel and tol.rel * abs(q.value) >= tol.abs:
        return f"{tol.rel * 100:g}%"
    return "±" + with_unit(tol.abs, q.unit)


def _pct(a: float) -> str:
    return f"{a * 100:.2g}%" if a < 0.1 else f"{a * 100:.0f}%"


# --- slips -------------------------------------------------------------------------------------------

_POW2 = {
    1: ("K vs Ki (1000 vs 1024)", "K 与 Ki 混淆（1000 与 1024）"),
    2: ("MB vs MiB (10^6 vs 2^20)", "MB 与 MiB 混淆（10^6 与 2^20）"),
    3: ("GB vs GiB (10^9 vs 2^30)", "GB 与 GiB 混淆（10^9 与 2^30）"),
    4: ("TB vs TiB (10^12 vs 2^40)", "TB 与 TiB 混淆（10^12 与 2^40）"),
}


def _twice_reasons(q: Question, high: bool) -> tuple[str, str]:
    text = (q.prompt.en + " " + q.solution.en if q.solution else q.prompt.en).lower()
    en, zh = [], []
    in_bytes = units.question_unit(q.unit).sig == (("byte", 1),)
    if re.search(r"\bk and v\b|\bkeys? and values?\b", text) or in_bytes and "kv cache" in text:
        en.append("counted K and V twice?" if high else "forgot that K and V are both cached?")
        zh.append("K 和 V 多算了一遍？" if high else "忘了 K 和 V 两份都要存？")
    if any(w in text for w in ("byte", "fp16", "bf16", "fp32", "float32")):
        en.append(
            "4 bytes (fp32) per value instead of 2 (fp16)?" if high else "2 bytes (fp16) per value instead of 4 (fp32)?"
        )
        zh.append(
            "每个值按 4 字节（fp32）而不是 2 字节（fp16）算了？"
            if high
            else "每个值按 2 字节（fp16）而不是 4 字节（fp32）算了？"
        )
    if "flop" in text:
        en.append("a multiply-add counted as 2 FLOPs once too often?" if high else "a multiply-add is 2 FLOPs?")
        zh.append("乘加多算了一次 2？" if high else "一次乘加是 2 FLOPs？")
    if not en:
        en.append("a factor of 2 too many?" if high else "a factor of 2 missing?")
        zh.append("多乘了一个 2？" if high else "少乘了一个 2？")
    return " or ".join(en), "或".join(zh)


_BYTE_PREFIX_POWER = {"k": 1, "m": 2, "g": 3, "t": 4}


def _binary_slip_fits(q: Question, want: units.Unit, k: int, up: bool) -> bool:
    """GB vs GiB for a GiB or GB question (MB vs MiB for MiB...); 128000 vs 131072 for a count."""
    if want.sig == (("byte", 1),):
        return _BYTE_PREFIX_POWER.get(q.unit[:1].lower()) == k
    if len(want.sig) == 1 and want.sig[0][0] in units.COUNTS:
        # 1000^k typed where the answer is a multiple of 1024^k, or the other way round
        return float(q.value) % (1000**k if up else 1024**k) == 0
    return False


def _candidates(q: Question) -> list[Slip]:
    want = units.question_unit(q.unit)
    text = (q.prompt.en + " " + (q.solution.en if q.solution else "")).lower()
    slips = [Slip("sign", -1, "the sign is flipped", "符号反了")]
    for f, high in ((2, True), (0.5, False)):
        en, zh = _twice_reasons(q, high)
        slips.append(Slip("x2", f, en, zh))
    for k, (en, zh) in _POW2.items():
        if _binary_slip_fits(q, want, k, up=True):
            slips.append(Slip("1000-1024", 1.024**k, en, zh))
        if _binary_slip_fits(q, want, k, up=False):
            slips.append(Slip("1000-1024", 1.024**-k, en, zh))
    slips.append(Slip("x8", 8, "bits vs bytes: 8 bits per byte", "比特与字节混淆：1 字节 = 8 比特"))
    slips.append(Slip("x8", 1 / 8, "bits vs bytes: 8 bits per byte", "比特与字节混淆：1 字节 = 8 比特"))
    if re.search(r"\bnats?\b|natural log|\\ln\b|\bln\b|\bbits?\b", text):
        for f in (math.log(2), 1 / math.log(2)):
            slips.append(
                Slip("ln2", f, "bits vs nats: log2 vs ln, a factor of ln 2", "比特与 nat 混淆：log2 与 ln 相差 ln 2 倍")
            )
    for k in range(1, 16):
        for f in (10.0**k, 10.0**-k):
            times = f"{10**k:,}" if k <= 3 else f"10^{k}"
            en = f"a power of ten, {times}x too {'high' if f > 1 else 'low'} (check the exponent and the unit prefix)"
            zh = f"数量级错了，{'大' if f > 1 else '小'}了 {times} 倍（检查指数和单位前缀）"
            if q.unit == "%" and f == 0.01:
                en, zh = (
                    "a fraction, not a percentage: the answer is in % (x100)",
                    "写成了小数而不是百分数：答案以 % 为单位（乘以 100）",
                )
            if q.unit == "" and f == 100:
                en, zh = (
                    "a percentage typed as a plain number: write it as % or a fraction",
                    "把百分数当成了普通数：写成 % 或小数",
                )
            slips.append(Slip("pow10", f, en, zh))
    return slips


def diagnose(q: Question, value: float) -> Slip | None:
    """The common slip that turns the right value into `value`, if one does."""
    tol = q.tolerance
    for slip in _candidates(q):
        target = q.value * slip.factor
        allowed = max(tol.abs * abs(slip.factor), tol.rel * abs(target), SLIP_REL * abs(target))
        if abs(value - target) <= allowed:
            return slip
    return None


# --- the judge ---------------------------------------------------------------------------------------

_M = {
    "en": {
        "correct": "Correct: {got} (exact {exact}).",
        "binary": " ({typed} read as 1024-based)",
        "near_rel": "Close: {got} is within {off} of the answer ({dir}); the tolerance is {tol}.",
        "near_abs": "Close: {got} is off by {off} ({dir}); the tolerance is {tol}.",
        "slip": "Not quite: {got} is {ratio} the answer. Likely slip: {why}",
        "slip_partial": "Almost: {got} is {ratio} the answer. Likely slip: {why}",
        "wrong_rel": "Not quite: {got} is {off} {dir}.",
        "wrong_ratio": "Not quite: {got} is {ratio} the answer.",
        "wrong_abs": "Not quite: {got} is off by {off} ({dir}).",
        "high": "too high",
        "low": "too low",
        "no-number": "type a number{unit_hint}, e.g. 7e9, 6.7B, 1,234 or 33.3%",
        "wrong-unit": "{typed!r} does not fit this question: the answer is {unit_name}",
        "unknown-unit": "unknown unit {typed!r}: the answer is {unit_name}",
        "in_unit": "in {unit}",
        "plain": "a plain number",
    },
    "zh": {
        "correct": "正确：{got}（精确值 {exact}）。",
        "binary": "（{typed} 按 1024 进制理解）",
        "near_rel": "接近：{got} 与答案相差 {off}（{dir}）；容差为 {tol}。",
        "near_abs": "接近：{got} 与答案相差 {off}（{dir}）；容差为 {tol}。",
        "slip": "不对：{got} 是答案的 {ratio}。可能的失误：{why}",
        "slip_partial": "差一点：{got} 是答案的 {ratio}。可能的失误：{why}",
        "wrong_rel": "不对：{got} {dir} {off}。",
        "wrong_ratio": "不对：{got} 是答案的 {ratio}。",
        "wrong_abs": "不对：{got} 与答案相差 {off}（{dir}）。",
        "high": "偏大",
        "low": "偏小",
        "no-number": "请输入一个数{unit_hint}，例如 7e9、6.7B、1,234 或 33.3%",
        "wrong-unit": "{typed!r} 的单位与本题不符：答案{unit_name}",
        "unknown-unit": "无法识别的单位 {typed!r}：答案{unit_name}",
        "in_unit": "以 {unit} 为单位",
        "plain": "是一个纯数字",
    },
}


def _ratio_text(r: float, lang: str) -> str:
    """2 -> '2x' / '2 倍', 0.5 -> '1/2 of' / '1/2', -1 -> '-1x'."""
    if r < 0 or r >= 1:
        return f"{fmt(r, 4)}x" if lang == "en" else f"{fmt(r, 4)} 倍"
    return f"1/{fmt(1 / r, 4)} of" if lang == "en" else f"1/{fmt(1 / r, 4)}"


def _read(q: Question, text: str, lang: str) -> units.Reading:
    try:
        return units.read(text, q.unit, f"{q.prompt.en} {q.prompt.zh}")
    except units.UnitError as err:
        m = _M[lang]
        unit_name = m["in_unit"].format(unit=q.unit) if q.unit else m["plain"]
        hint = (f" ({unit_name})" if lang == "en" else f"（{unit_name}）") if q.unit else ""
        raise AnswerFormatError(m[err.kind].format(typed=err.detail, unit_name=unit_name, unit_hint=hint)) from None


def judge_numeric(q: Question, text: str, lang: str = "en") -> Verdict:
    lang = "zh" if lang == "zh" else "en"
    m = _M[lang]
    reading = _read(q, text, lang)
    value, want, tol = reading.value, q.value, q.tolerance
    exact = fmt(want, 6)
    for candidate in (value, *reading.alternatives):
        if tol.accepts(candidate, want):
            message = m["correct"].format(got=with_unit(candidate, q.unit, 5), exact=exact)
            if candidate != value:
                message = message[:-1] + m["binary"].format(typed=text.strip()) + message[-1]
            return Verdict("correct", 3, message, parsed=candidate)

    got = with_unit(value, q.unit, 5)
    if reading.unit_typed.strip() not in ("", q.unit):  # 2 GB for a GiB question: show both
        got = f"{text.strip()} = {got}"
    err = value - want
    direction = m["high"] if err > 0 else m["low"]
    allowed = max(tol.abs, tol.rel * abs(want))
    exact_count = tol.rel == 0 and tol.abs <= 0.5 and float(want).is_integer()
    relative = tol.rel * abs(want) >= tol.abs
    if not exact_count and abs(err) <= NEAR_MISS * allowed:
        if relative:
            message = m["near_rel"].format(got=got, off=_pct(abs(err / want)), dir=direction, tol=_tolerance_text(q))
        else:
            message = m["near_abs"].format(
                got=got, off=with_unit(abs(err), q.unit, 2), dir=direction, tol=_tolerance_text(q)
            )
        return Verdict("partial", 2, message, parsed=value)

    slip = diagnose(q, value)
    if slip is not None:
        key = "slip_partial" if slip.verdict == "partial" else "slip"
        message = m[key].format(got=got, ratio=_ratio_text(slip.factor, lang), why=slip.zh if lang == "zh" else slip.en)
        return Verdict(slip.verdict, 2 if slip.verdict == "partial" else 1, message, parsed=value)
    ratio = value / want
    if not relative:
        message = m["wrong_abs"].format(got=got, off=with_unit(abs(err), q.unit), dir=direction)
    elif 0.5 <= ratio <= 2:
        message = m["wrong_rel"].format(got=got, off=_pct(abs(err / want)), dir=direction)
    else:
        message = m["wrong_ratio"].format(got=got, ratio=_ratio_text(ratio, lang))
    return Verdict("wrong", 1, message, parsed=value)

"""Reading a typed number with its unit, e.g. `3.3 TFLOPs`, `239 tok/s`, `70亿参数`, `2048 MiB`, `33.3%`.

`read(text, unit)` returns the value converted to `unit` (a question's unit as the bank writes it).
A unit is a signature (dimension -> power) and a factor to the base of each dimension: bytes, seconds,
FLOPs, nats, radians, dollars, and one counting dimension per counted noun (params, tokens, edits...).
Percent and `x` are plain numbers (factor 0.01 and 1). Units combine with `/`, `per` and `每`.

Typed without a unit, a number is in the question's unit. A bare multiplier letter K or M on a count
(`128K tokens`, `8M tokens`), or K/M/G/T on bytes (`2G`), may mean 1000^n or 1024^n: both readings are
returned and the judge accepts either. B and T on a count (`7B params`) are always decimal.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

Signature = tuple[tuple[str, int], ...]  # sorted (dimension, power) pairs; () is a plain number


@dataclass(frozen=True)
class Unit:
    sig: Signature
    factor: float  # size of one of this unit in the base units of `sig`


class UnitError(ValueError):
    """Typed text that is not a number in a unit of the question: `kind` says which problem."""

    def __init__(self, kind: str, detail: str = ""):
        super().__init__(f"{kind}: {detail}")
        self.kind = kind  # "no-number" | "unknown-unit" | "wrong-unit"
        self.detail = detail


def _u(dim: str | None, factor: float = 1.0) -> Unit:
    return Unit(((dim, 1),) if dim else (), factor)


# --- the unit table ---------------------------------------------------------------------------------
# Keys are normalized: lower case, no spaces, hyphens, dots, underscores or middle dots.

COUNTS = {  # one dimension per counted noun; synonyms as typed in en and zh
    "param": "param params parameter parameters weight weights element elements 参数 个参数 权重 元素 个元素",
    "token": "token tokens tok toks t 词元",
    "call": "call calls 次 次调用 调用",
    "edit": "edit edits op ops operation operations step steps 次 步 次操作 操作 编辑",
    "candidate": "candidate candidates continuation continuations 候选 个候选",
    "pair": "pair pairs entry entries 对 个对",
    "sequence": "sequence sequences seq seqs request requests req reqs 条 条序列 序列 个序列 请求 条请求",
    "example": "example examples sample samples item items question questions prompt prompts "
    "条 样本 条样本 个样本 提示 条提示 个提示",
    "merge": "merge merges rule rules mergerule mergerules 条 合并 合并规则 条合并规则 规则 条规则",
    "microbatch": "microbatch microbatches 个microbatch 微批",
    "kvhead": "kvhead kvheads head heads kv group groups 头 kv头 个kv头 组",
}
MODIFIERS = set(
    "trainable learnable total active activated nonembedding new extra saved additional "
    "可训练 总 激活 新增 额外 节省 concurrent 并发".split()
)
GENERIC_COUNTERS = {"个", "条", "次"}  # Chinese measure words that fit any counted noun
_MEASURE_ZH = re.compile(f"[{''.join(GENERIC_COUNTERS)}]?[\u4e00-\u9fff]{{1,3}}")
PER_ITEM = "gpu gpus card cards 卡 张卡 每卡 layer layers 层 image images 图 张图 query queries 查询 doc docs document"

_ATOMS: dict[str, list[Unit]] = {}


def _add(names: str, *units: Unit) -> None:
    for name in names.split():
        _ATOMS.setdefault(name, []).extend(units)


for _dim, _names in COUNTS.items():
    _add(_names, _u(_dim))
_add(PER_ITEM + " day days 天 daily 每天", _u("item"))

_DECIMAL = {
    "k": 1e3,
    "m": 1e6,
    "g": 1e9,
    "t": 1e12,
    "p": 1e15,
    "e": 1e18,
    "z": 1e21,
    "kilo": 1e3,
    "mega": 1e6,
    "giga": 1e9,
    "tera": 1e12,
    "peta": 1e15,
    "exa": 1e18,
    "zetta": 1e21,
}
_BINARY = {
    "ki": 2**10,
    "mi": 2**20,
    "gi": 2**30,
    "ti": 2**40,
    "pi": 2**50,
    "kibi": 2**10,
    "mebi": 2**20,
    "gibi": 2**30,
    "tebi": 2**40,
}
for _base in ("b", "byte", "bytes"):
    _add(_base, _u("byte"))
    for _p, _f in {**_DECIMAL, **_BINARY}.items():
        if _base == "b" and len(_p) > 2 or _base != "b" and _p in ("k", "m", "g", "t", "p", "e", "z"):
            continue  # "GB", "gigabytes", "GiB", "gibibytes"; not "gbytes"
        _add(_p + _base, _u("byte", _f))
_add("字节 个字节", _u("byte"))
_add("千字节", _u("byte", 1e3))
_add("兆字节", _u("byte", 1e6))
_add("吉字节", _u("byte", 1e9))
_add("太字节", _u("byte", 1e12))
for _base in ("bit", "bits"):
    _add(_base, _u("byte", 1 / 8), _u("nat", math.log(2)))
    for _p, _f in {**_DECIMAL, **_BINARY}.items():
        _add(_p + _base, _u("byte", _f / 8))
_add("比特 位 个比特", _u("byte", 1 / 8), _u("nat", math.log(2)))
for _base in ("flop", "flops"):
    _add(_base, _u("flop"))
    for _p, _f in _DECIMAL.items():
        _add(_p + _base, _u("flop", _f))
for _p, _f in {"": 1.0, **_DECIMAL}.items():  # "TFLOPS" also names a rate, FLOP per second
    _add(_p + "flops", Unit((("flop", 1), ("s", -1)), _f))
_add("浮点运算 次浮点运算 flop次", _u("flop"))

_add("s sec secs second seconds 秒", _u("s"))
_add("ms msec msecs millisecond milliseconds 毫秒", _u("s", 1e-3))
_add("us µs μs usec microsecond microseconds 微秒", _u("s", 1e-6))
_add("ns nanosecond nanoseconds 纳秒", _u("s", 1e-9))
_add("min mins minute minutes 分钟", _u("s", 60))
_add("h hr hrs hour hours 小时", _u("s", 3600))
_add("day days d 天", _u("s", 86400))
_add("gpuday gpudays gpu天 卡天 gpud day days 天", _u("gpusecond", 86400))
_add("gpuhour gpuhours gpuh gpuhr gpuhrs 卡时 gpu小时", _u("gpusecond", 3600))

_add("nat nats 纳特 奈特", _u("nat"), _u(None))  # a loss asked as a plain number may be typed in nats
_add("rad rads radian radians 弧度", _u("rad"))
_add("deg degree degrees ° 度", _u("rad", math.pi / 180))
_add("usd $ us$ dollar dollars 美元 美金 刀", _u("usd"))
_add("% percent pct percentage 百分比", _u(None, 0.01))
_add("‰ permille", _u(None, 0.001))
_add("x × times fold 倍", _u(None))
_ATOMS["tps"] = [Unit((("s", -1), ("token", 1)), 1.0)]
_ATOMS["rps"] = _ATOMS["qps"] = [Unit((("s", -1), ("sequence", 1)), 1.0)]
_ATOMS["bpb"] = [Unit((), 1 / 8)]
_ATOMS["bpp"] = _ATOMS["bpw"] = [Unit((("byte", 1), ("param", -1)), 1 / 8)]

MULTIPLIER_LETTERS = {"k": 1, "m": 2, "b": 3, "g": 3, "t": 4}  # power of 1000 (or of 1024)
MULTIPLIER_WORDS = {
    "thousand": 1e3,
    "million": 1e6,
    "mn": 1e6,
    "mil": 1e6,
    "billion": 1e9,
    "bn": 1e9,
    "trillion": 1e12,
    "千": 1e3,
    "万": 1e4,
    "十万": 1e5,
    "百万": 1e6,
    "千万": 1e7,
    "亿": 1e8,
    "十亿": 1e9,
    "百亿": 1e10,
    "千亿": 1e11,
    "万亿": 1e12,
}
FILLER = re.compile(
    r"^(?:about|approx\.?|approximately|around|roughly|circa|ca\.|~|≈|answer\s*[:：]|ans\s*[:：]|=|"
    r"约|大约|大概|约为|答案\s*[:：]?|是)\s*|"
    r"\s*(?:in\s+total|total|overall|each|approx\.?|roughly|左右|上下|总共|一共|合计|约|\.|。)$",
    re.IGNORECASE,
)

_SUPERSCRIPT = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺", "0123456789-+")
_SUPER_RUN = re.compile(r"[⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁺]+")
_MANTISSA = r"[-+]?(?:\d{1,3}(?:,\d{3})+(?:\.\d*)?|\d{1,3}(?:[ _]\d{3})+(?:\.\d*)?|\d[\d_]*(?:\.\d*)?|\.\d+)"
_NUMBER = re.compile(
    rf"^(?P<mant>{_MANTISSA})"
    r"(?:\s*(?:e|E)\s*(?P<exp>[-+]?\d+)"
    r"|\s*(?:[x×*·∙]\s*)?(?P<base>10|2)\s*(?:\^|\*\*)\s*\{?(?P<bexp>[-+]?\d+)\}?"
    r"|\s*/\s*(?P<den>\d+(?:\.\d*)?))?"
)
_POWER_ONLY = re.compile(r"^(?P<base>10|2)\s*(?:\^|\*\*)\s*\{?(?P<bexp>[-+]?\d+)\}?")


@dataclass(frozen=True)
class Reading:
    """A typed answer in the question's unit; `alternatives` are the 1024-based readings of K/M/G/T."""

    value: float
    alternatives: tuple[float, ...] = ()
    unit_typed: str = ""


def normalize(text: str) -> str:
    text = _SUPER_RUN.sub(lambda m: "^" + m.group().translate(_SUPERSCRIPT), text)
    text = unicodedata.normalize("NFKC", text).replace("−", "-").replace("–", "-")
    return text.strip()


def _norm_unit(text: str) -> str:
    text = text.lower().replace("per cent", "percent")
    return re.sub(r"[\s\-_.·・]+", "", text)


def _atom(name: str, prompt: str) -> list[Unit]:
    """Units for one word of a unit, allowing leading modifier words that the prompt itself uses."""
    if name in _ATOMS:  # 次 and 条 are also generic measure words: 388 次 for a count of tokens
        return _ATOMS[name] + ([_u("*")] if name in GENERIC_COUNTERS else [])
    if name[:1] in GENERIC_COUNTERS and name[1:] in _ATOMS:  # 个参数, 次编辑
        return _ATOMS[name[1:]]
    for cut in range(1, len(name) - 1):  # "visual tokens", "视觉 token", "trainable params", "edit operations"
        head, tail = name[:cut], name[cut:]
        if tail in _ATOMS and (
            len(head) > 1 and head in prompt or head in MODIFIERS or set(_ATOMS.get(head, ())) & set(_ATOMS[tail])
        ):
            return _ATOMS[tail]
    for cut in range(len(name) - 3, 0, -1):  # "2.8x speedup": a word of the prompt after the unit
        head, tail = name[:cut], name[cut:]
        if head in _ATOMS and tail in prompt:
            return _ATOMS[head]
    if name in GENERIC_COUNTERS:
        return [_u("*")]
    return []


def _combine(num: Unit, den: Unit | None) -> Unit:
    if den is None:
        return num
    dims: dict[str, int] = dict(num.sig)
    for dim, power in den.sig:
        dims[dim] = dims.get(dim, 0) - power
    return Unit(tuple(sorted((d, p) for d, p in dims.items() if p)), num.factor / den.factor)


def resolve(unit_text: str, prompt: str = "") -> list[Unit]:
    """All readings of a unit such as `tokens/s`, `GiB`, `bits per param`, `个/秒`; [] if unknown."""
    raw = unit_text.strip()
    parts = re.split(r"\s*/\s*|\s+per\s+|\s*每\s*", raw, maxsplit=1)
    if raw.startswith("每"):  # 每秒 239 个 token is read as 239 个 token 每秒
        parts = ["", raw[1:]]
    num_text = _norm_unit(parts[0])
    nums = _atom(num_text, prompt) if num_text else [_u("*")]
    if len(parts) == 1:
        return nums
    den_text = _norm_unit(parts[1])
    dens = _atom(den_text, prompt)
    return [_combine(n, d) for n in nums for d in dens]


def _strip_per_item(sig: Signature) -> Signature:
    """Drop `per GPU`, `per token`, `/day` and the like: a restatement of the question's `per X`."""
    return tuple((d, p) for d, p in sig if not (p < 0 and (d == "item" or d in COUNTS)))


def _fits(typed: Unit, want: Unit) -> bool:
    sig = typed.sig
    if not want.sig and sig and all(d in COUNTS or d == "*" for d, _ in sig) and typed.factor == 1:
        return True  # a plain count or ratio may name what it counts: 21 pairs, 8 路, 1875 tokens/param
    if ("*", 1) in sig:  # 个 / 条: any counted noun the question uses, or none
        counts = [d for d, p in want.sig if p > 0 and d in COUNTS]
        sig = tuple(sorted(((counts[0] if d == "*" else d), p) for d, p in sig if d != "*" or counts))
    return sig == want.sig or _strip_per_item(sig) == _strip_per_item(want.sig)


def question_unit(unit: str) -> Unit:
    """The question's unit as a Unit (the first reading of its spelling); '' is a plain number."""
    if not unit:
        return _u(None)
    readings = resolve(unit)
    if not readings:
        raise ValueError(f"unit {unit!r} is not in the unit table of llmprep/quiz/units.py")
    return readings[0]


def _parse_number(text: str) -> tuple[float, str] | None:
    """The leading number of `text` (7e9, 7×10^9, 1,234, 2^31, 1/3) and the rest."""
    power = _POWER_ONLY.match(text)
    if power is not None:
        return float(power["base"]) ** int(power["bexp"]), text[power.end() :]
    match = _NUMBER.match(text)
    if match is None:
        return None
    mant = match["mant"]
    value = float(re.sub(r"[,_ ]", "", mant))
    if match["exp"]:
        value *= 10.0 ** int(match["exp"])
    elif match["bexp"]:
        value *= float(match["base"]) ** int(match["bexp"])
    elif match["den"]:
        if float(match["den"]) == 0:
            return None
        value /= float(match["den"])
    return value, text[match.end() :]


def _clean(text: str, prompt: str) -> str:
    text = re.sub(r"^(?:US\$|USD\$)", "$", normalize(text), flags=re.IGNORECASE)
    echo = re.match(
        r"^((?:(?!百分之|每)[^\d$+\-.])+?)\s*(?=百分之|每|[-+]?\.?\d|\$)", text
    )  # 增加百分之33.3: the prompt's own words
    if echo and _norm_unit(echo[1]).rstrip(":：") in _ATOMS and echo[1].strip() != "$":  # USD 625, GiB: 2
        text = f"{text[echo.end() :]} {echo[1].rstrip(':： ')}"
    elif echo and _norm_unit(echo[1]) in prompt and not FILLER.match(echo[1]):
        text = text[echo.end() :]
    text = re.sub(r"\s*[(（][^()（）]*[)）]\s*$", "", text)  # a trailing remark: 2 GiB (2^31 bytes)
    text = text.strip().strip("*`'\"“”").strip()  # **2 GiB**, `2 GiB`
    if re.search(r"[=≈>≥→]", text):  # 2 x 32 x ... = 2^31 bytes = 2 GiB: the last result counts
        text = re.split(r"[=≈>≥→]", text)[-1]
    text = text.strip()
    if text.startswith("百分之"):
        text = text[3:] + "%"
    per = re.match(r"^每\s*([^\d\s.+-]+?)\s*(?=[-+.\d])", text)  # 每秒 239 个 token -> 239 个 token/秒
    if per:
        text = f"{text[per.end() :]}/{per[1]}"
    for _ in range(4):
        text = FILLER.sub("", text).strip()
    return text


STOP = set("of the for in per each a an to total needed required overall 的 共 总共".split())


def _trimmed(unit_text: str, prompt: str, words: set[str]) -> list[str]:
    """`unit_text`, then without trailing words that only restate the question ("GiB of KV cache")."""
    out = [unit_text]
    tokens = unit_text.split()
    while tokens:
        last = tokens[-1].lower()
        restates = last in STOP or last in words or not last.isascii() and _norm_unit(last) in prompt
        if not restates or _norm_unit(last) in _ATOMS:  # a unit is never dropped: 239 tokens is not tokens/s
            break
        tokens.pop()
        out.append(" ".join(tokens))
    return out


def read(text: str, unit: str, prompt: str = "") -> Reading:
    """The answer typed in `text`, in the question's `unit`; raises UnitError.

    `prompt` is the question's text: a word it uses may stand before the unit ("576 visual tokens").
    """
    want = question_unit(unit)
    words = set(re.findall(r"[a-z0-9]+", normalize(prompt).lower()))
    prompt = _norm_unit(normalize(prompt))
    cleaned = _clean(text, prompt)
    dollar = cleaned.startswith("$")
    if dollar:
        cleaned = cleaned[1:].strip()
    parsed = _parse_number(cleaned)
    if parsed is None:
        raise UnitError("no-number", text.strip())
    number, rest = parsed
    rest = rest.strip()
    for _ in range(2):
        rest = FILLER.sub("", rest).strip()

    readings: list[tuple[float, int, str]] = []  # (multiplier, power of 1000 for a 1024 reading, unit)
    letter = re.match(r"([kmbgtKMBGT])(?=\s|$)\s*(.*)$", rest)
    if letter and not (letter[1] in "bB" and want.sig == (("byte", 1),)):  # 2048 B is bytes
        readings.append(
            (1000.0 ** MULTIPLIER_LETTERS[letter[1].lower()], MULTIPLIER_LETTERS[letter[1].lower()], letter[2])
        )
    for word, mult in sorted(MULTIPLIER_WORDS.items(), key=lambda kv: -len(kv[0])):
        if rest.lower().startswith(word) and (not word.isascii() or not rest[len(word) : len(word) + 1].isalpha()):
            readings.append((mult, 0, rest[len(word) :].strip()))
            break
    readings.append((1.0, 0, rest))

    other: list[Unit] = []
    unknown = ""
    texts = [
        (mult, power, trimmed) for mult, power, unit_text in readings for trimmed in _trimmed(unit_text, prompt, words)
    ]
    for mult, power, unit_text in texts:
        if dollar:
            unit_text = f"usd {unit_text}".strip()
        if not unit_text:
            units = [want]
            if power and want.sig == (("byte", 1),):  # 2G for a GiB question: 2e9 bytes (or 2 x 2^30)
                units = [_u("byte")]
        else:
            units = resolve(unit_text, prompt)
            if not units and not want.sig and _MEASURE_ZH.fullmatch(unit_text):
                units = [want]  # a plain count with a Chinese measure word or noun: 8 路, 9800 人, 1.5 个核
            if not units:
                unknown = unknown or unit_text
                continue
        for typed in units:
            if _fits(typed, want):
                value = number * mult * typed.factor / want.factor
                # 128K tokens, 8M tokens and 2G (bytes) may be 1024-based; a billion or a trillion never is
                binary = power and (
                    want.sig == (("byte", 1),)
                    or power <= 2
                    and want.sig
                    and all(d in COUNTS for d, p in want.sig if p > 0)
                )
                alts = (number * 1024.0**power * typed.factor / want.factor,) if binary else ()
                return Reading(value, alts, unit_text)
            other.append(typed)
    if other:
        raise UnitError("wrong-unit", rest)
    raise UnitError("unknown-unit", unknown or rest)

"""Concept answers, judged for meaning rather than vocabulary.

A key point lists `requires`: concept groups that must all appear, un-negated, in one sentence of
the answer that makes a claim (any phrase of a group will do, English or Chinese), and `wrong`:
misconceptions, each a few groups joined by `+`, which contradict the point when one clause holds
them all un-negated. A phrase matches whole words and their regular inflections (`grow`: grows,
growing; irregular forms such as `grew` must be listed), `*` ends a prefix (`saturat*`), code is
matched by its parts (`no_sync` in `model.no_sync()`), and Chinese phrases match as substrings.

Verdict: a contradicted point makes the answer wrong; every essential point hit makes it correct;
some hit is partial. A list of terms with no claim, or a point whose every phrase is an echo of the
prompt, earns nothing. Then the reviewed example answers (examples.py) may move a correct answer
that reads like a known wrong one to partial, and a partial one that reads like the right ones to
correct.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from llmprep.bank.schema import KeyPoint, Question
from llmprep.quiz.examples import load_examples, reads_like
from llmprep.quiz.judge import PointResult, Verdict

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_TOKEN = re.compile(r"\d+(?:\.\d+)+|[a-z0-9]+(?:'[a-z]+)?|[\u3400-\u9fff\uf900-\ufaff]+")
_SENTENCE_END = re.compile(r"[。！？；;\n]+|[.!?](?=\s|$)")
_CLAUSE_END = re.compile(
    r"[,，、:：]|\b(?:but|while|whereas|however|although|though|because|since|so|which|and then)\b"
    r"|但是|但|然而|而是|因为|所以|因此|从而|不过"
)
_LIST_SEPARATOR = re.compile(r"[,、;；]|\band\b|\bor\b|以及|或者")
# What makes a list item a claim: an auxiliary or connective, or a verb (base or -s form); a list of
# three or more items with none of these, of two words or so each, names terms without saying anything.
_AUXILIARIES = frozenset(
    "is are was were be been being am has have had do does did can could will would should may might must "
    "because so since therefore thus hence which that when if then than while whereas it's that's there's "
    "isn't aren't doesn't don't won't can't cannot".split()
)
_VERBS = frozenset(  # verbs that are rarely nouns in this field (not cache, mask, scale, mean, merge, skip...)
    "add allow apply attend avoid become cause check choose clip compare compute converge cut decrease depend distill "
    "diverge divide dominate encode evaluate explode fail filter fix force generate get give grow hurt improve "
    "increase interpolate keep lead learn let lose make measure monitor move need normalize offload overfit overflow "
    "pick predict prevent produce prune quantize raise reduce remove replace require rescale retrieve reuse saturate "
    "see shard shrink stabilize stay subtract take tend tune underflow use vanish".split()
)
_CLAIM_ZH = (
    "是",
    "会",
    "使",
    "让",
    "导致",
    "因为",
    "所以",
    "因此",
    "把",
    "将",
    "被",
    "可以",
    "能",
    "需要",
    "就",
    "则",
    "越",
    "通过",
    "由于",
    "从而",
    "意味着",
    "取决于",
    "了",
    "随",
    "用",
    "避免",
    "防止",
    "减少",
    "增加",
    "不变",
    "更",
    "保留",
    "呈",
    "正比",
    "反比",
)
# Nouns that contain a claim character without making a claim ("智能体" is no "能", "评分细则" no "则").
_NOUNS_WITH_CLAIM_ZH = re.compile(
    "细则|规则|原则|准则|法则|引用|费用|应用|信用|效用|调用|复用|占用|智能|性能|功能|能力|能量|技能|本能|"
    "越狱|超越|会话|社会|机会|将来|是否|被动|用户|用量|用例|可用性|利用率|更新"
)


def _claims_zh(text: str) -> bool:
    text = _NOUNS_WITH_CLAIM_ZH.sub("", text)
    return any(w in text for w in _CLAIM_ZH)


def _says_something(item: str) -> bool:
    """A verb, a claim word, or three words (a Chinese character counts half)."""
    tokens = [t.text for t in _tokens(item) if not t.glued]
    english = [t for t in tokens if not _CJK.match(t)]
    return any(_is_verb(t) for t in english) or _claims_zh(item) or len(english) + len(_CJK.findall(item)) / 2 >= 3


def _list_items(text: str) -> list[str]:
    """Items separated by commas, 、, semicolons, and/or; what brackets hold stays out (max(0, x))."""
    flat = re.sub(r"\([^()]*\)|\[[^\[\]]*\]", " ", text)
    return [item for item in _LIST_SEPARATOR.split(flat) if item.strip()]


def _is_term_list(text: str) -> bool:
    """Eight or more items of which at most a fifth say something: "Llama 3: 8B, GQA, RoPE, ..." names
    terms, while a terse enumeration of causes or fixes after a label has fewer, wordier items."""
    items = _list_items(text)
    return len(items) >= 8 and 5 * sum(map(_says_something, items)) <= len(items)


def _is_verb(token: str) -> bool:
    return (
        token in _AUXILIARIES
        or token in _VERBS
        or any(
            token.endswith(end) and token[: -len(end)] + add in _VERBS
            for end, add in (("s", ""), ("es", ""), ("ies", "y"), ("d", ""), ("ed", ""))
        )
    )


# Skipped between a negator and what it negates ("does not make the gradients explode").
_FILLER_EN = frozenset(
    "the a an its their this that these those it they be been being is are was were am do does did make makes "
    "made cause causes caused lead leads led to let lets get gets become becomes have has had need needs will "
    "would can could should may might must really necessarily actually ever always much any use uses using need "
    "needs require requires apply applies on in at by for from with via into".split()
)
_FILLER_ZH = (
    "导致",
    "引起",
    "造成",
    "需要",
    "一定",
    "必然",
    "会",
    "能",
    "要",
    "需",
    "使",
    "让",
    "再",
    "也",
    "就",
    "都",
    "并",
    "是",
    "的",
    "得",
    "把",
    "被",
    "去",
    "做",
    "使用",
    "采用",
    "用",
    "换成",
)
_NEGATORS_EN = frozenset(
    "not no never without cannot can't isn't aren't doesn't don't didn't won't wouldn't shouldn't "
    "mustn't hasn't haven't neither nor none non cant isnt arent doesnt dont didnt wont hardly barely seldom".split()
)
_NEGATOR_PAIRS_EN = (("rather", "than"), ("instead", "of"), ("no", "longer"))
_NEGATORS_ZH = (
    "难以",
    "很难",
    "并非",
    "而非",
    "不是",
    "没有",
    "无需",
    "无须",
    "无法",
    "不用",
    "不必",
    "不",
    "没",
    "无",
    "非",
    "未",
    "别",
    "勿",
)
_INSEPARABLE_ZH = (
    "不同",
    "不断",
    "不仅",
    "不少",
    "不管",
    "无论",
    "非常",
    "不过",
    "不只",
    "不止",
    "无数",
    "未来",
    "不久",
    "非线性",
    "无限",
    "无穷",
    "无监督",
    "非零",
    "分别",
    "区别",
    "类别",
    "级别",
    "识别",
    "特别",
    "差别",
    "告别",
    "个别",
)


# Dots that end no sentence: e.g., i.e., w.r.t., i.i.d. and a few short abbreviations.
_ABBREVIATIONS = re.compile(r"\b(?:[a-z]\.){2,}|\b(?:vs|etc|approx|cf|resp|fig|eq|al)\.", re.IGNORECASE)
_GROUPED_NUMBER = re.compile(r"(?<![\w.])\d{1,3}(?:,\d{3})+(?!\d|,\d)")  # 151,643 but not Qwen3,128
_SYMBOLS = {
    "≥": " ge ",
    "≤": " le ",
    "<": " lt ",
    ">": " gt ",
    "×": " times ",
    "→": " to ",
    "·": " ",
    "≈": " approx ",
    "∝": " proportional ",
}
_SYMBOLS_RE = re.compile("[" + "".join(_SYMBOLS) + "]|\\\\[!,;:]")
_GREEK = dict(
    zip(
        "αβγδεζηθικλμνξπρστυφχψω",
        "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi "
        "pi rho sigma tau upsilon phi chi psi omega".split(),
    )
)
_GREEK_RE = re.compile("[" + "".join(_GREEK) + "]")


def normalize(text: str) -> str:
    """NFKC, lower case, LaTeX and symbols flattened to words (√ -> sqrt, \\frac -> frac, γ -> gamma),
    151,643 -> 151643, and abbreviations whose dots would end a sentence (e.g., w.r.t.) without them.
    A Chinese comma stays a comma between clauses (128，256 is no number)."""
    text = unicodedata.normalize("NFKC", text.replace("\uff0c", "\uff0c ")).lower().replace("’", "'").replace("‘", "'")
    text = _ABBREVIATIONS.sub(lambda m: m.group().replace(".", ""), text)
    text = _GROUPED_NUMBER.sub(lambda m: m.group().replace(",", ""), text)
    text = _GREEK_RE.sub(lambda m: f" {_GREEK[m.group()]} ", text)
    text = _SYMBOLS_RE.sub(lambda m: _SYMBOLS.get(m.group(), " "), text)  # LaTeX spacing such as \\! is no "!"
    return text.replace("√", " sqrt ").replace("\\", " ").replace("$", " ").replace("`", " ")


def _canon(token: str) -> str:
    """A possessive 's is dropped (SwiGLU's reads as swiglu) and British -ise reads as -ize, on both sides."""
    token = token[:-2] if token.endswith("'s") else token
    return re.sub(r"is(e|es|ed|ing|ation|ations)$", r"iz\1", token) if len(token) > 5 else token


@lru_cache(maxsize=None)
def _inflections(word: str) -> frozenset[str]:
    forms = {word, word + "s", word + "es", word + "ed", word + "d", word + "ing", word + "ly"}  # no -er: few != fewer
    if word.endswith("e"):
        forms |= {word[:-1] + "ing", word[:-1] + "ion", word[:-1] + "ation"}
    if word.endswith("y"):
        forms |= {word[:-1] + "ies", word[:-1] + "ied"}
    if len(word) >= 3 and word[-1] not in "aeiouwxy" and word[-2] in "aeiou":
        forms |= {word + word[-1] + "ed", word + word[-1] + "ing"}
    return frozenset(forms)


def _one_edit(a: str, b: str) -> bool:
    """One substitution, insertion, deletion or swap of neighbours turns a into b."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return a == b
    i = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), min(len(a), len(b)))
    return (
        a[i + 1 :] == b[i + 1 :]
        or a[i + 1 :] == b[i:]
        or a[i:] == b[i + 1 :]
        or (a[i + 2 :] == b[i + 2 :] and a[i : i + 2] == b[i : i + 2][::-1])
    )


@lru_cache(maxsize=65536)
def _same_word(got: str, want: str) -> bool:
    """Equal, an inflection of each other, a prefix match for `want*`, or (words of 7+ letters, same
    first letter) one typo away: `satruate` reads as `saturate`, `export` never as `expert`."""
    if want.endswith("*"):  # `revis*` also reads `revise`, whose -ise became -ize
        stem = want[:-1]
        return (
            got.startswith(stem)
            or (stem.endswith("is") and got.startswith(stem[:-2] + "iz"))
            or (stem.endswith("y") and got.startswith(stem[:-1] + "i"))  # copy* also reads copies, copied
        )
    if got == want or got in _inflections(want) or want in _inflections(got):
        return True
    if len(want) < 7 or not want.isalpha() or not got.isalpha() or got[0] != want[0] or got[:-2] == want[:-2]:
        return False  # a different ending is another form of the word (updated vs updates), never a typo
    return any(_one_edit(got, form) for form in _inflections(want))


@dataclass(frozen=True)
class _Token:
    text: str
    start: int
    glued: bool  # joined to the previous token by `_`, `.` or `-` (code, compounds): never a negator nor a verb


def _tokens(text: str) -> list[_Token]:
    out = []
    for m in _TOKEN.finditer(text):
        glued = (
            m.start() > 0
            and text[m.start() - 1] in "_.-"
            and bool(out)
            and out[-1].start + len(out[-1].text) == m.start() - 1
        )
        out.append(_Token(_canon(m.group()), m.start(), glued))
    return out


@dataclass(frozen=True)
class _Phrase:
    raw: str
    words: tuple[str, ...]  # English: token words, a trailing * for a prefix
    cjk: str  # Chinese: the compact string matched as a substring


@lru_cache(maxsize=None)
def _phrase(raw: str) -> _Phrase:
    text = normalize(raw).strip()
    if _CJK.search(text):
        return _Phrase(raw, (), re.sub(r"\s+", "", text))
    words = tuple(
        _canon(w) + ("*" if text[m.end() : m.end() + 1] == "*" else "")
        for m in _TOKEN.finditer(text)
        for w in [m.group()]
    )
    if len(words) >= 3:  # "from the encoder" also matches "from encoder" (articles are skipped in answers anyway)
        words = tuple(w for w in words if w not in ("the", "a", "an")) or words
    return _Phrase(raw, words, "")


@lru_cache(maxsize=None)
def parse_group(raw: str) -> tuple[_Phrase, ...]:
    """'variance | 方差 | spread' -> its phrases."""
    return tuple(_phrase(p) for p in raw.split("|") if p.strip())


@lru_cache(maxsize=None)
def parse_pattern(raw: str) -> tuple[tuple[_Phrase, ...], ...]:
    """'gradient* | 梯度 + explod* | 爆炸' -> groups, all needed."""
    return tuple(parse_group(g) for g in raw.split("+") if g.strip())


_FILLERS = {"the", "a", "an", "its", "their", "of", "to", "is", "are", "be", "all", "each", "every", "any", "this"}


class Sentence:
    """One sentence of an answer, with what phrase matching and negation need."""

    def __init__(self, text: str, claim: bool | None = None):
        self.text = text
        self.tokens = _tokens(text)
        self.compact, self.offsets = self._compact(text)
        self.claim = self._is_claim() if claim is None else claim

    def clauses(self) -> list[Sentence]:
        """The sentence cut at commas and contrast words: where a misconception must hold whole."""
        cuts = [0] + [m.end() for m in _CLAUSE_END.finditer(self.text)] + [len(self.text)]
        parts = [self.text[a:b] for a, b in zip(cuts, cuts[1:])]
        return [Sentence(part, self.claim) for part in parts if part.strip()]

    @staticmethod
    def _compact(text: str) -> tuple[str, list[int]]:
        kept = [(ch, i) for i, ch in enumerate(text) if not ch.isspace()]
        return "".join(ch for ch, _ in kept), [i for _, i in kept]

    def _is_claim(self) -> bool:
        """Not a bare list of terms: fewer than three items, an auxiliary or connective, a label before a
        colon ("causes: A, B, C") unless a long term list follows it, a first item that says something
        ("take the max of A, B and C"), or a third of the items saying something."""
        label = re.match(r"^[^:：=,，、;；]{1,40}(?:[:：]|\s=)\s*\S", self.text)
        if label and _is_term_list(self.text[label.end() - 1 :]):
            return False
        if label or any(t.text in _AUXILIARIES for t in self.tokens if not t.glued) or _claims_zh(self.text):
            return True
        items = _list_items(self.text)
        says = [_says_something(item) for item in items]
        return len(items) < 3 or says[0] or 3 * sum(says) >= len(items)

    def matches(self, phrase: _Phrase) -> list[tuple[int, int]]:
        """Character spans (start, end) in the sentence where the phrase occurs."""
        if phrase.cjk:
            spans, at = [], self.compact.find(phrase.cjk)
            while at >= 0:
                end = at + len(phrase.cjk) - 1
                spans.append((self.offsets[at], self.offsets[end] + 1))
                at = self.compact.find(phrase.cjk, at + 1)
            return spans
        if not phrase.words:
            return []
        spans, toks, first = [], self.tokens, phrase.words[0]
        for i, tok in enumerate(toks):
            if tok.text[0] != first[0] or not _same_word(tok.text, first):  # every match keeps the first letter
                continue
            j, ok = i, True
            for want in phrase.words[1:]:
                k, skipped = j + 1, 0
                while k < len(toks) and toks[k].text in _FILLERS and not _same_word(toks[k].text, want) and skipped < 2:
                    k, skipped = k + 1, skipped + 1
                if k >= len(toks) or not _same_word(toks[k].text, want):
                    ok = False
                    break
                j = k
            if ok:
                spans.append((tok.start, toks[j].start + len(toks[j].text)))
        return spans

    def negated(self, start: int) -> bool:
        """Is the phrase starting at `start` negated by what precedes it in its clause?"""
        before = self.text[:start].rstrip()
        clause = before[max((m.end() for m in _CLAUSE_END.finditer(before)), default=0) :]
        if clause and _CJK.match(clause[-1]):
            return _zh_negated(clause)
        tokens = _tokens(clause)
        while tokens and tokens[-1].text in _FILLER_EN:
            tokens.pop()
        if not tokens or tokens[-1].glued:
            return False
        last = tokens[-1].text
        pair = tuple(t.text for t in tokens[-2:])
        return last in _NEGATORS_EN or last.endswith("n't") or pair in _NEGATOR_PAIRS_EN


def _zh_negated(clause: str) -> bool:
    """Does the Chinese text before a phrase end in a negator, once auxiliaries are stripped?"""
    text = re.sub(r"\s+", "", clause)
    for compound in _INSEPARABLE_ZH:
        text = text.replace(compound, "同" * len(compound))
    changed = True
    while changed and text:
        changed = False
        for filler in _FILLER_ZH:
            if text.endswith(filler) and not any(text.endswith(n) for n in _NEGATORS_ZH):
                text, changed = text[: -len(filler)], True
    return any(text.endswith(n) for n in _NEGATORS_ZH)


_BULLET = re.compile(r"^\s*(?:[-*•·]|\d+[.)、])\s+")


def sentences(answer: str) -> list[Sentence]:
    """Sentences of an answer. Wrapped lines join (a blank line or a list item starts anew); a run of
    three or more list items, two thirds of which say nothing, is a list of terms, not claims."""
    blocks: list[tuple[str, bool] | None] = []
    for line in normalize(answer).split("\n"):
        bullet = bool(_BULLET.match(line))
        if not line.strip():
            blocks.append(None)
        elif blocks and blocks[-1] is not None and not bullet:
            blocks[-1] = (blocks[-1][0] + " " + line.strip(), blocks[-1][1])
        else:
            blocks.append((_BULLET.sub("", line).strip(), bullet))
    out: list[Sentence] = []
    run: list[Sentence] = []  # consecutive list items
    for block in blocks + [None]:
        if block is None or not block[1]:
            if len(run) >= 3 and 3 * sum(_says_something(item.text) for item in run) < len(run):
                for item in run:
                    item.claim = False
            run = []
        if block is None:
            continue
        parts = [Sentence(part) for part in _SENTENCE_END.split(block[0]) if part and part.strip()]
        out += parts
        if block[1]:
            run += parts
    return out


def _group_hits(sentence: Sentence, group: tuple[_Phrase, ...]) -> list[_Phrase]:
    """The phrases of a group that occur un-negated in the sentence."""
    return [p for p in group if any(not sentence.negated(start) for start, _ in sentence.matches(p))]


def holds(pattern: tuple[tuple[_Phrase, ...], ...], answer: list[Sentence], prompt: list[Sentence]) -> bool:
    """Some claim sentence holds every group, and not only with phrases the prompt already says."""
    for sentence in answer:
        if not sentence.claim:
            continue
        hits = [_group_hits(sentence, group) for group in pattern]
        if not all(hits):
            continue
        echo = all(all(any(s.matches(p) for s in prompt) for p in phrases) for phrases in hits)
        if not echo:
            return True
    return False


def point_result(point: KeyPoint, answer: list[Sentence], prompt: list[Sentence], lang: str) -> PointResult:
    clauses = [clause for sentence in answer for clause in sentence.clauses()]  # "small chunks lack X, large ones Y"
    contradicted = any(holds(parse_pattern(w), clauses, prompt=[]) for w in point.wrong)
    hit = not contradicted and holds(tuple(parse_group(g) for g in point.requires), answer, prompt)
    return PointResult(point.text.get(lang), hit, contradicted, point.essential)


_MESSAGES = {
    "en": {
        "correct": "Covers every essential key point ({hit}/{n}).",
        "partial": "Partly right: {hit}/{n} key points; missing: {missing}.",
        "wrong": "Not yet: {hit}/{n} key points.",
        "contradicted": "Contradicts a key point: {what}.",
        "reads_wrong": "Names every essential point but reads like a known wrong answer to this question: "
        "check the direction of each claim ({hit}/{n} key points).",
        "reads_right": "Right in substance: close to reviewed right answers ({hit}/{n} key points found by "
        "their wording; compare with the reference).",
    },
    "zh": {
        "correct": "覆盖了所有要点（{hit}/{n}）。",
        "partial": "部分正确：覆盖 {hit}/{n} 个要点；缺少：{missing}。",
        "wrong": "还不对：覆盖 {hit}/{n} 个要点。",
        "contradicted": "与要点矛盾：{what}。",
        "reads_wrong": "提到了所有必需要点，但整体更像本题一个已知的错误答案："
        "请逐条检查论断的方向（{hit}/{n} 个要点）。",
        "reads_right": "实质正确：与已审核的正确答案相近（按措辞找到 {hit}/{n} 个要点；请对照参考答案）。",
    },
}


def judge_concept(
    q: Question, text: str, lang: str = "en", skip_examples: Callable[[str], bool] | None = None
) -> Verdict:
    """Key points first; where they say correct or partial, the nearest reviewed answers may say
    otherwise (`skip_examples` leaves out sources, for benchmarks)."""
    answer = sentences(text)
    prompt = sentences(f"{q.prompt.en}\n{q.prompt.zh}")
    points = tuple(point_result(kp, answer, prompt, lang) for kp in q.key_points)
    words = _MESSAGES["zh" if lang == "zh" else "en"]
    hit, n = sum(p.hit for p in points), len(points)
    contradicted = [p.text.rstrip("。.") for p in points if p.contradicted]
    if contradicted:
        return Verdict("wrong", 1, words["contradicted"].format(what=contradicted[0]), points)
    covered = all(p.hit for p in points if p.essential)
    if not covered and not hit:
        return Verdict("wrong", 1, words["wrong"].format(hit=hit, n=n), points)
    like = reads_like(load_examples().closeness(q.id, text, skip_examples))
    if covered:
        if like == "wrong":
            return Verdict("partial", 2, words["reads_wrong"].format(hit=hit, n=n), points)
        return Verdict("correct", 3, words["correct"].format(hit=hit, n=n), points)
    if like == "correct":
        return Verdict("correct", 3, words["reads_right"].format(hit=hit, n=n), points)
    missing = "; ".join(p.text.rstrip("。.") for p in points if p.essential and not p.hit)
    return Verdict("partial", 2, words["partial"].format(hit=hit, n=n, missing=missing), points)


def self_check(q: Question) -> list[str]:
    """What `dev check` requires of a concept question: each point ticked by its own text and the
    reference answer judged correct, in both languages."""
    problems = []
    prompt = sentences(f"{q.prompt.en}\n{q.prompt.zh}")
    for lang in ("en", "zh"):
        for i, point in enumerate(q.key_points, 1):
            if not point_result(point, sentences(point.text.get(lang)), prompt, lang).hit:
                problems.append(f"key point {i} is not ticked by its own {lang} text")
        verdict = judge_concept(q, q.answer.get(lang), lang)
        if verdict.verdict != "correct":
            problems.append(f"the {lang} reference answer is judged {verdict.verdict} ({verdict.message})")
    return problems

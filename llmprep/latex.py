r"""LaTeX math to readable Unicode for the terminal: `\frac{QK^\top}{\sqrt{d_k}}` -> `QKᵀ/√dₖ`.

Covers the commands the bank uses (Greek letters, operators, \frac, \sqrt, \binom, scripts, fonts,
accents, \text). An unknown command is kept verbatim, backslash and arguments included, so nothing
is ever lost silently; `KNOWN` lists the commands that are converted.
"""

from __future__ import annotations

import re

GREEK = {
    "alpha": "α",
    "beta": "β",
    "gamma": "γ",
    "delta": "δ",
    "epsilon": "ε",
    "varepsilon": "ε",
    "zeta": "ζ",
    "eta": "η",
    "theta": "θ",
    "vartheta": "ϑ",
    "iota": "ι",
    "kappa": "κ",
    "lambda": "λ",
    "mu": "μ",
    "nu": "ν",
    "xi": "ξ",
    "pi": "π",
    "rho": "ρ",
    "varrho": "ϱ",
    "sigma": "σ",
    "tau": "τ",
    "upsilon": "υ",
    "phi": "φ",
    "varphi": "φ",
    "chi": "χ",
    "psi": "ψ",
    "omega": "ω",
    "Gamma": "Γ",
    "Delta": "Δ",
    "Theta": "Θ",
    "Lambda": "Λ",
    "Xi": "Ξ",
    "Pi": "Π",
    "Sigma": "Σ",
    "Upsilon": "Υ",
    "Phi": "Φ",
    "Psi": "Ψ",
    "Omega": "Ω",
}
SYMBOLS = {
    **GREEK,
    "times": "×",
    "cdot": "·",
    "approx": "≈",
    "le": "≤",
    "leq": "≤",
    "ge": "≥",
    "geq": "≥",
    "ne": "≠",
    "neq": "≠",
    "to": "→",
    "rightarrow": "→",
    "leftarrow": "←",
    "Rightarrow": "⇒",
    "Leftarrow": "⇐",
    "leftrightarrow": "↔",
    "iff": "⇔",
    "implies": "⇒",
    "mapsto": "↦",
    "infty": "∞",
    "propto": "∝",
    "in": "∈",
    "notin": "∉",
    "sum": "∑",
    "prod": "∏",
    "int": "∫",
    "partial": "∂",
    "nabla": "∇",
    "sim": "∼",
    "pm": "±",
    "mp": "∓",
    "mid": "|",
    "langle": "⟨",
    "rangle": "⟩",
    "lfloor": "⌊",
    "rfloor": "⌋",
    "lceil": "⌈",
    "rceil": "⌉",
    "top": "⊤",
    "odot": "⊙",
    "otimes": "⊗",
    "oplus": "⊕",
    "ll": "≪",
    "gg": "≫",
    "gtrsim": "≳",
    "lesssim": "≲",
    "succ": "≻",
    "prec": "≺",
    "succeq": "⪰",
    "preceq": "⪯",
    "dots": "…",
    "ldots": "…",
    "cdots": "⋯",
    "equiv": "≡",
    "forall": "∀",
    "exists": "∃",
    "cup": "∪",
    "cap": "∩",
    "subset": "⊂",
    "subseteq": "⊆",
    "emptyset": "∅",
    "circ": "∘",
    "star": "⋆",
    "ast": "∗",
    "ell": "ℓ",
    "prime": "′",
    "lVert": "‖",
    "rVert": "‖",
    "Vert": "‖",
    "vert": "|",
    "lvert": "|",
    "rvert": "|",
    "neg": "¬",
    "land": "∧",
    "lor": "∨",
    "setminus": "∖",
    "perp": "⊥",
    "coloneqq": "≔",
    "triangleq": "≜",
    "quad": "  ",
    "qquad": "    ",
    "bmod": " mod ",
    "dagger": "†",
}
FUNCTIONS = {
    "log",
    "ln",
    "exp",
    "sin",
    "cos",
    "tan",
    "tanh",
    "sinh",
    "cosh",
    "max",
    "min",
    "arg",
    "argmax",
    "argmin",
    "sup",
    "inf",
    "lim",
    "det",
    "dim",
    "ker",
    "Pr",
    "gcd",
    "deg",
}
ESCAPES = {
    ",": " ",
    ";": " ",
    ":": " ",
    " ": " ",
    "!": "",
    "{": "{",
    "}": "}",
    "%": "%",
    "_": "_",
    "$": "$",
    "#": "#",
    "&": "&",
    "|": "‖",
    "\\": "\n",
}
DROPPED = {
    "left",
    "right",
    "big",
    "Big",
    "bigg",
    "Bigg",
    "bigl",
    "bigr",
    "Bigl",
    "Bigr",
    "biggl",
    "biggr",
    "Biggl",
    "Biggr",
    "displaystyle",
    "textstyle",
    "limits",
    "nolimits",
}
PLAIN = {
    "text",
    "textrm",
    "textit",
    "textbf",
    "texttt",
    "emph",
    "mathrm",
    "mathit",
    "mathbf",
    "mathsf",
    "mathtt",
    "boldsymbol",
    "bm",
    "operatorname",
}
FRACTIONS = {"frac", "tfrac", "dfrac", "cfrac"}
ACCENTS = {
    "hat": "\u0302",
    "widehat": "\u0302",
    "tilde": "\u0303",
    "widetilde": "\u0303",
    "bar": "\u0304",
    "overline": "\u0305",
    "vec": "\u20d7",
    "dot": "\u0307",
    "ddot": "\u0308",
}
DOUBLE_STRUCK = {"E": "𝔼", "R": "ℝ", "N": "ℕ", "Z": "ℤ", "Q": "ℚ", "C": "ℂ", "P": "ℙ", "1": "𝟙", "I": "𝕀", "V": "𝕍"}
CALLIGRAPHIC = {
    "L": "ℒ",
    "D": "𝒟",
    "N": "𝒩",
    "O": "𝒪",
    "A": "𝒜",
    "B": "ℬ",
    "E": "ℰ",
    "F": "ℱ",
    "H": "ℋ",
    "I": "ℐ",
    "M": "ℳ",
    "R": "ℛ",
    "S": "𝒮",
    "T": "𝒯",
    "U": "𝒰",
    "X": "𝒳",
    "Y": "𝒴",
    "P": "𝒫",
    "G": "𝒢",
    "C": "𝒞",
    "K": "𝒦",
    "Q": "𝒬",
    "V": "𝒱",
    "W": "𝒲",
    "Z": "𝒵",
    "J": "𝒥",
}
FONTS = {"mathbb": DOUBLE_STRUCK, "mathcal": CALLIGRAPHIC, "mathscr": CALLIGRAPHIC}
KNOWN = frozenset({*SYMBOLS, *FUNCTIONS, *DROPPED, *PLAIN, *FRACTIONS, *ACCENTS, *FONTS, "sqrt", "binom"})

SUPERSCRIPT = dict(
    zip(
        "0123456789+-=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVWαβγδθφχε⊤*′'",
        "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂᵅᵝᵞᵟᶿᵠᵡᵋᵀ*′′",
    )
)
SUBSCRIPT = dict(zip("0123456789+-=()aehijklmnoprstuvxβγρφχ", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ"))
_FACTORS = {
    *GREEK,
    *FUNCTIONS,
    *FRACTIONS,
    *PLAIN,
    *FONTS,
    *ACCENTS,
    "sqrt",
    "binom",
    "left",
    "sum",
    "prod",
    "int",
    "partial",
    "nabla",
    "ell",
    "infty",
}
_OPERATOR = re.compile(r"[\s+\-−±∓·×/=<>≤≥≈∼,;:|∈→]")


def to_unicode(tex: str) -> str:
    """The math between `$...$` as plain Unicode text; unknown commands stay as written."""
    return _Parser(tex).group(None, text_mode=False)


def script(body: str, sup: bool) -> str:
    """x^{...} / x_{...}: Unicode super/subscripts when every character has one, else ^(...) / _(...)."""
    body = body.strip()
    table = SUPERSCRIPT if sup else SUBSCRIPT
    if body and all(ch in table for ch in body):
        return "".join(table[ch] for ch in body)
    mark = "^" if sup else "_"
    return mark + body if re.fullmatch(r"\w", body) or re.fullmatch(r"[A-Za-z0-9]+", body) else f"{mark}({body})"


def wrap(body: str) -> str:
    """Parentheses around an operand unless it is a single term: (a + b)/2, but x/√d."""
    body = body.strip()
    if body and not _OPERATOR.search(body):
        return body
    if body.startswith("(") and body.endswith(")") and _balanced(body[1:-1]):
        return body
    return f"({body})"


def _balanced(text: str) -> bool:
    depth = 0
    for ch in text:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            return False
    return depth == 0


class _Parser:
    def __init__(self, tex: str):
        self.s, self.i = tex, 0

    def factor_follows(self) -> bool:
        """Whether a factor comes next, so that a fraction needs parentheses: (1/T)∑, (1/β) r, but r/β)."""
        after = re.match(r"\s*(?:\\([A-Za-z]+)|[\w(])", self.s[self.i :])
        return bool(after) and (after.group(1) is None or after.group(1) in _FACTORS)

    def peek(self) -> str:
        return self.s[self.i] if self.i < len(self.s) else ""

    def group(self, close: str | None, text_mode: bool) -> str:
        """Everything up to `close` (consumed) or the end."""
        out: list[str] = []
        while self.i < len(self.s):
            ch = self.s[self.i]
            if ch == close:
                self.i += 1
                return "".join(out)
            if ch == "{":
                self.i += 1
                out.append(self.group("}", text_mode))
            elif ch == "\\":
                out.append(self.command(text_mode))
            elif ch in "^_" and not text_mode:
                self.i += 1
                out.append(script(self.argument(), sup=ch == "^"))
            elif ch == "~" and not text_mode:
                self.i += 1
                out.append(" ")
            else:
                self.i += 1
                out.append(ch)
        return "".join(out)

    def argument(self, text_mode: bool = False) -> str:
        """A command's argument: a {group}, a command, or one character."""
        while self.peek() == " ":
            self.i += 1
        ch = self.peek()
        if ch == "{":
            self.i += 1
            return self.group("}", text_mode)
        if ch == "\\":
            return self.command(text_mode)
        self.i += len(ch)
        return ch

    def command(self, text_mode: bool) -> str:
        self.i += 1  # the backslash
        ch = self.peek()
        if not ch.isalpha():
            self.i += len(ch)
            return ESCAPES.get(ch, "\\" + ch)
        start = self.i
        while self.peek().isalpha():
            self.i += 1
        name = self.s[start : self.i]
        if name in SYMBOLS:
            return SYMBOLS[name]
        if name in FUNCTIONS:  # `\beta\log\pi` reads as `β log π`, `\exp\left(` as `exp(`
            after = re.match(r"\\?([A-Za-z]*)", self.s[self.i :]).group(1)
            before = self.s[start - 2 : start - 1]
            return (
                (" " if before.isalnum() or before == "}" else "")
                + name
                + (" " if after and after not in DROPPED else "")
            )
        if name in DROPPED:
            if name in ("left", "right") and self.peek() == ".":
                self.i += 1  # an invisible delimiter
            return ""
        if name in PLAIN:
            if self.peek() == "*":
                self.i += 1
            return self.argument(text_mode=name.startswith("text") or name == "emph")
        if name in FONTS:
            table = FONTS[name]
            return "".join(table.get(ch, ch) for ch in self.argument())
        if name in ACCENTS:
            body = self.argument()
            return body + ACCENTS[name] if len(body) == 1 else "".join(ch + ACCENTS[name] for ch in body)
        if name in FRACTIONS:
            top, bottom = self.argument(), self.argument()
            fraction = f"{wrap(top)}/{wrap(bottom)}"
            return f"({fraction})" if self.factor_follows() else fraction
        if name == "binom":
            n, k = self.argument(), self.argument()
            return f"C({n.strip()}, {k.strip()})"
        if name == "sqrt":
            index = ""
            if self.peek() == "[":
                self.i += 1
                index = script(self.group("]", text_mode), sup=True)
            return index + "√" + wrap(self.argument())
        raw = "\\" + name  # unknown: verbatim, with its arguments in braces
        while self.peek() == "{":
            self.i += 1
            raw += "{" + self.group("}", text_mode) + "}"
        return raw

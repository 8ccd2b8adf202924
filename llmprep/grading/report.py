"""Rich rendering of a GradeResult: a verdict line, the first failure replayed in detail, the
diagnosis, the mismatch map, one line per other case, captured output, and how to replay."""

from __future__ import annotations

from rich.console import Group
from rich.text import Text

from llmprep.grading.result import CaseResult, GradeResult

STYLE = {"pass": "bold green", "fail": "bold red", "error": "bold magenta"}
MARK = {"pass": "✓", "fail": "✗", "error": "!"}
WORDS = {
    "en": {"pass": "PASS", "fail": "FAIL", "error": "ERROR", "cases": "cases passed", "seed": "base seed",
           "replay": "replay these inputs", "diagnosis": "Likely mistake", "stdout": "your output (stdout)",
           "stderr": "stderr", "same": "more case(s) failed the same way", "hint": "stuck? `llmprep hint {id}`",
           "next": "passed. Compare with the reference: `llmprep solution {id}`"},
    "zh": {"pass": "通过", "fail": "未通过", "error": "出错", "cases": "个用例通过", "seed": "基础种子",
           "replay": "复现这组输入", "diagnosis": "可能的错误", "stdout": "你的输出（stdout）",
           "stderr": "stderr", "same": "个用例以同样方式失败", "hint": "卡住了？`llmprep hint {id}`",
           "next": "已通过。对照参考实现：`llmprep solution {id}`"},
}


def _case_line(case: CaseResult) -> Text:
    line = Text(f"  {MARK[case.status]} ", style=STYLE[case.status])
    line.append(f"{case.name}", style="bold" if case.status != "pass" else "")
    if case.dtype:
        line.append(f" [{case.dtype}]", style="dim")
    line.append(f"  {case.duration_s * 1000:.0f} ms", style="dim")
    return line


def _map(case: CaseResult) -> Group:
    rows = [Text(case.mismatch_map["title"], style="dim")]
    for row in case.mismatch_map["rows"]:
        line = Text("    ")
        for cell in row:
            line.append("■ " if cell != "." else "· ", style={"#": "red", "!": "bold magenta"}.get(cell, "green"))
        rows.append(line)
    rows.append(Text("    ■ wrong  · right  (magenta: NaN/Inf)", style="dim"))
    return Group(*rows)


def _detail(case: CaseResult, lang: str) -> list:
    parts = [Text.assemble(("  call: ", "dim"), case.call)] if case.call else []
    if case.note:
        parts.append(Text.assemble(("  probes: ", "dim"), case.note))
    parts.append(Text("  " + case.message.replace("\n", "\n  "), style="red" if case.status == "fail" else "magenta"))
    if case.mismatch_map:
        parts.append(_map(case))
    return parts


def render(result: GradeResult, *, verbose: bool = False, lang: str = "en") -> Group:
    w = WORDS.get(lang, WORDS["en"])
    parts: list = []
    passed = sum(c.status == "pass" for c in result.cases)
    head = Text(f"{w[result.status]} ", style=STYLE[result.status])
    head.append(f"{result.drill}  ", style="bold cyan")
    head.append(f"{result.file}  ", style="")
    if result.cases:
        head.append(f"{passed}/{len(result.cases)} {w['cases']}  ", style="dim")
    head.append(f"{result.device} · {w['seed']} {result.seed} · {result.duration_s:.2f} s", style="dim")
    parts.append(head)
    if result.message:
        parts.append(Text(result.message, style=STYLE[result.status].replace("bold ", "")))
    failed = [c for c in result.cases if c.status != "pass"]
    shown = set()
    first = failed[0] if failed else None
    if first:
        parts.append(_case_line(first))
        parts += _detail(first, lang)
        shown.add(id(first))
    if result.diagnosis:
        parts.append(Text.assemble((f"  {w['diagnosis']}: ", "bold yellow"), (result.diagnosis["message"], "yellow")))
    others = [c for c in result.cases if id(c) not in shown]
    if verbose:
        for case in others:
            parts.append(_case_line(case))
            if case.status != "pass":
                parts += _detail(case, lang)
    else:
        for case in others:
            if case.status != "pass" and case.message != first.message:
                parts.append(_case_line(case))
                parts.append(Text("    " + case.message.splitlines()[0], style="red"))
        same = sum(c.status != "pass" and c.message == failed[0].message for c in others) if failed else 0
        if same:
            parts.append(Text(f"  {same} {w['same']}", style="dim"))
        if not failed and result.cases:
            parts.append(Text("  " + " ".join(MARK["pass"] for _ in result.cases), style="green"))
    for label, text in ((w["stdout"], result.stdout), (w["stderr"], result.stderr)):
        if text.strip() and (verbose or result.status != "pass"):
            parts.append(Text(f"  {label}:", style="dim"))
            parts.append(Text("    " + text.strip()[-1500:].replace("\n", "\n    "), style="dim"))
    if result.status == "pass":
        parts.append(Text(w["next"].format(id=result.drill), style="green"))
    else:
        if result.seed is not None and result.cases:
            parts.append(Text(f"  {w['replay']}: llmprep grade {result.file} --seed {result.seed}", style="dim"))
        parts.append(Text("  " + w["hint"].format(id=result.drill), style="dim"))
    return Group(*parts)

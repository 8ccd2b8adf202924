"""Rich rendering of a GradeResult: a verdict line, the first failure replayed in detail, the
diagnosis, the mismatch map, one line per other case, captured output, and how to replay."""

from __future__ import annotations

from pathlib import Path

from rich.console import Group
from rich.text import Text

from llmprep.grading.result import CaseResult, GradeResult, visible

STYLE = {"pass": "bold green", "fail": "bold red", "error": "bold magenta"}
MARK = {"pass": "✓", "fail": "✗", "error": "!"}
WORDS = {
    "en": {
        "pass": "PASS",
        "fail": "FAIL",
        "error": "ERROR",
        "cases": "cases passed",
        "seed": "base seed",
        "replay": "replay these inputs",
        "diagnosis": "Likely mistake",
        "stdout": "your output (stdout)",
        "stderr": "stderr",
        "same": "more case(s) failed the same way",
        "more": "more case(s) failed (--verbose shows them)",
        "larger": "a larger view, from case",
        "hint": "stuck? `llmprep hint {id}`",
        "next": "passed. Compare with the reference: `llmprep solution {id}`",
        "sandbox": "no sandbox",
        "replayed": "replayed seed {seed}: a replay is never recorded as a pass; "
        "`llmprep grade {file}` runs the standard grade",
    },
    "zh": {
        "pass": "通过",
        "fail": "未通过",
        "error": "出错",
        "cases": "个用例通过",
        "seed": "基础种子",
        "replay": "复现这组输入",
        "diagnosis": "可能的错误",
        "stdout": "你的输出（stdout）",
        "stderr": "stderr",
        "same": "个用例以同样方式失败",
        "more": "个用例未通过（--verbose 显示全部）",
        "larger": "更大的视图，来自用例",
        "hint": "卡住了？`llmprep hint {id}`",
        "next": "已通过。对照参考实现：`llmprep solution {id}`",
        "sandbox": "未启用沙箱",
        "replayed": "复现种子 {seed}：复现不会记为通过；`llmprep grade {file}` 运行标准评测",
    },
}


MAX_OTHERS = 4
CELLS = {".": ("· ", "green"), "#": ("■ ", "red"), "+": ("▲ ", "yellow"), "!": ("! ", "bold magenta")}


def _short(message: str, width: int = 70) -> str:
    """The first clause of a message: what is wrong, without the numbers."""
    text = message.splitlines()[0].split(";")[0]
    return text if len(text) <= width else text[: width - 1] + "…"


def _area(grid: dict | None) -> int:
    return len(grid["rows"]) * len(grid["rows"][0]) if grid and grid["rows"] else 0


def _tail(text: str, lines: int = 8, width: int = 160) -> str:
    """The end of captured output, where a crash's cause or the truncation notice is."""
    kept = [line if len(line) <= width else line[:width] + " …" for line in text.strip().splitlines()]
    skipped = len(kept) - lines
    return "\n".join(([f"[... {skipped} line(s) above]"] if skipped > 0 else []) + kept[-lines:])


def _case_line(case: CaseResult) -> Text:
    line = Text(f"  {MARK[case.status]} ", style=STYLE[case.status])
    line.append(f"{case.name}", style="bold" if case.status != "pass" else "")
    if case.dtype:
        line.append(f" [{case.dtype}]", style="dim")
    line.append(f"  {case.duration_s * 1000:.0f} ms", style="dim")
    return line


def _map(case: CaseResult) -> Group:
    rows = [Text("  " + case.mismatch_map["title"], style="dim")]
    for row in case.mismatch_map["rows"]:
        line = Text("    ")
        for cell in row:
            line.append(*CELLS[cell])
        rows.append(line)
    rows.append(Text("    ■ wrong  ▲ should be 0  ! NaN/Inf  · right", style="dim"))
    return Group(*rows)


def _detail(case: CaseResult, lang: str, verbose: bool = False) -> list:
    parts = [Text.assemble(("  call: ", "dim"), case.call)] if case.call else []
    if case.note:
        parts.append(Text.assemble(("  probes: ", "dim"), case.note))
    parts.append(
        Text("  " + visible(case.message).replace("\n", "\n  "), style="red" if case.status == "fail" else "magenta")
    )
    if case.mismatch_map:
        parts.append(_map(case))
    if verbose and case.traceback:
        parts.append(Text("    " + visible(case.traceback.strip()).replace("\n", "\n    "), style="dim"))
    return parts


def render(result: GradeResult, *, verbose: bool = False, lang: str = "en") -> Group:
    w = WORDS.get(lang, WORDS["en"])
    parts: list = []
    passed = sum(c.status == "pass" for c in result.cases)
    head = Text(f"{w[result.status]} ", style=STYLE[result.status])
    head.append(f"{result.drill}  ", style="bold cyan")
    head.append(f"{visible(result.file)}  ", style="")
    if result.cases:
        head.append(f"{passed}/{len(result.cases)} {w['cases']}  ", style="dim")
    head.append(f"{result.device} · {w['seed']} {result.seed} · {result.duration_s:.2f} s", style="dim")
    parts.append(head)
    failed = [c for c in result.cases if c.status != "pass"]
    if result.message and not (failed and failed[0].message == result.message):
        parts.append(Text(visible(result.message), style=STYLE[result.status].replace("bold ", "")))
    shown = set()
    first = failed[0] if failed else None
    if first:
        parts.append(_case_line(first))
        parts += _detail(first, lang, verbose)
        shown.add(id(first))
        widest = max(failed, key=lambda c: _area(c.mismatch_map))
        if not verbose and _area(widest.mismatch_map) > _area(first.mismatch_map):
            parts.append(Text(f"  {w['larger']} {widest.name} [{widest.dtype}]:", style="dim"))
            parts.append(_map(widest))
    if result.sandbox:
        parts.append(Text(f"  {w['sandbox']}: {visible(result.sandbox)}", style="yellow"))
    if result.diagnosis:
        parts.append(
            Text.assemble((f"  {w['diagnosis']}: ", "bold yellow"), (visible(result.diagnosis.message), "yellow"))
        )
    others = [c for c in result.cases if id(c) not in shown]
    if verbose:
        for case in others:
            parts.append(_case_line(case))
            if case.status != "pass":
                parts += _detail(case, lang, verbose)
    else:
        other_failed = [c for c in others if c.status != "pass"]
        different = [c for c in other_failed if c.message != first.message]
        for case in different[:MAX_OTHERS]:
            line = _case_line(case)
            line.append("  " + visible(_short(case.message)), style="red" if case.status == "fail" else "magenta")
            parts.append(line)
        rest = len(other_failed) - len(different[:MAX_OTHERS])
        if rest:
            parts.append(Text(f"  {rest} {w['same'] if not different[MAX_OTHERS:] else w['more']}", style="dim"))
        if not failed and result.cases:
            parts.append(Text("  " + " ".join(MARK["pass"] for _ in result.cases), style="green"))
    for label, text in ((w["stdout"], result.stdout), (w["stderr"], result.stderr)):
        if text.strip() and (verbose or result.status != "pass"):
            parts.append(Text(f"  {label}:", style="dim"))
            parts.append(Text("    " + visible(_tail(text)).replace("\n", "\n    "), style="dim"))
    if result.replay:
        parts.append(Text("  " + w["replayed"].format(seed=result.seed, file=visible(result.file)), style="dim"))
    elif result.status == "pass":
        parts.append(Text(w["next"].format(id=result.drill), style="green"))
    else:
        seed = first.seed if first is not None and first.seed is not None else result.seed
        if seed is not None and result.cases and not result.replay:
            drill = "" if Path(result.file).stem == result.drill else f" --drill {result.drill}"
            parts.append(
                Text(f"  {w['replay']}: llmprep grade {visible(result.file)}{drill} --seed {seed}", style="dim")
            )
        parts.append(Text("  " + w["hint"].format(id=result.drill), style="dim"))
    return Group(*parts)

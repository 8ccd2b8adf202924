"""A code question in the quiz: write the drill's stub, open $EDITOR, grade when the learner is ready.

Only grading imports torch: the grader's trusted side in this process (the reference, the comparison)
and the learner's sandboxed child; the quiz imports it when a code question is graded, never before.
"""

from __future__ import annotations

import os
import shlex
import subprocess
from pathlib import Path

from llmprep.bank.schema import Question
from llmprep.quiz.judge import Verdict


def attempt(session, q: Question):
    """The session's Graded answer: the file and a verdict from the grader (None when no stub was written)."""
    from llmprep.drills.registry import load_drill
    from llmprep.grading import grade_file, record_result, render_result
    from llmprep.quiz.session import Graded

    drill = load_drill(q.drill)
    target = Path.cwd() / f"{drill.id}.py"
    if target.exists():
        session.say(f"Using your existing {target}.", f"使用已有的 {target}。", "dim")
    else:
        if session.ask(f"Write the stub to {target}? [Y/n] ").strip().lower() in ("n", "no"):
            return Graded(None, None)
        target.write_text(drill.stub(), encoding="utf-8")
        session.say(
            f"Wrote {target}: implement {drill.signature}", f"已写入 {target}：请实现 {drill.signature}", "green"
        )
    editor = os.environ.get("EDITOR")
    first = True
    while True:
        if editor:  # grade as soon as the editor closes
            subprocess.run([*shlex.split(editor), str(target)], check=False)
        elif first:
            session.ask(
                "Edit it, then press Enter to grade (s skip, q quit): "
                if session.lang != "zh"
                else "编辑完成后回车评测（s 跳过，q 退出）："
            )
        first = False
        result = grade_file(target, drill.id)
        record_result(result)
        session.console.print(render_result(result, lang=session.lang))
        if result.status == "pass":
            return Graded(str(target), Verdict("correct", 3, "通过。" if session.lang == "zh" else "Passed."))
        again = session.ask(
            "Fix it, then press Enter to grade again, or type r to reveal the answer: "
            if session.lang != "zh"
            else "修改后回车重新评测，或输入 r 查看答案："
        )
        if again.strip().lower() == "r":
            message = f"{drill.id}：{result.status}" if session.lang == "zh" else f"{drill.id}: {result.status}"
            return Graded(str(target), Verdict("wrong", 1, message))

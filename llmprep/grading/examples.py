"""The `>>>` worked example of a reference's docstring (the stub shows it): what it prints must hold."""

from __future__ import annotations

import doctest
import re

import torch


class _CommentedOutput(doctest.OutputChecker):
    """Docstring examples may annotate their output with `# why`; compare without it."""

    def check_output(self, want: str, got: str, optionflags: int) -> bool:
        want = "".join(re.sub(r"\s+#.*$", "", line) + "\n" for line in want.splitlines())
        return super().check_output(want, got, optionflags)


def check_examples(module, rel: str) -> list[str]:
    """Run the docstring's examples; one problem per example that prints something else or raises."""
    if ">>>" not in (module.__doc__ or ""):
        return []
    problems: list[str] = []

    class Runner(doctest.DocTestRunner):
        def report_failure(self, out, test, example, got):
            problems.append(
                f"{rel}:{test.lineno + example.lineno + 1}: the docstring example `{example.source.strip()}` "
                f"prints {got.strip()!r}, not {example.want.strip()!r}"
            )

        def report_unexpected_exception(self, out, test, example, exc_info):
            problems.append(
                f"{rel}:{test.lineno + example.lineno + 1}: the docstring example "
                f"`{example.source.strip()}` raises {exc_info[1]!r}"
            )

    runner = Runner(checker=_CommentedOutput(), optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    for test in doctest.DocTestFinder(recurse=False).find(module, rel, globs={"torch": torch, **vars(module)}):
        runner.run(test, out=lambda text: None)
    return problems

"""The verdict on one reply: the trusted side compares what came back with the reference's reply.

Everything the learner's process says is a claim to check, never a verdict: exceptions become
messages here, inputs are compared with the originals here, gradients and outputs are compared
here, and the case's own rules (frozen parameters, the largest intermediate tensor) apply here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from llmprep.grading.api import CASE_KINDS
from llmprep.grading.child.call import tensors_in
from llmprep.grading.child.wire import CallReply, ErrorInfo
from llmprep.grading.compare import compare_all, same_exact
from llmprep.grading.plan import Planned
from llmprep.grading.result import CaseResult

FATAL = ("memory", "exit", "recursion")  # the run broke down rather than computing a wrong answer


@dataclass
class Outcome:
    """What diagnosis compares: the leaves (outputs, then gradients), or the failure without leaves."""

    leaves: list = field(default_factory=list)
    failure: str = ""
    checked: str = ""  # the drill's check hook said this (run only when everything else matched)


def explain(error: ErrorInfo, file: str | None, device: str = "cpu") -> str:
    where = f" at {Path(file).name}:{error.lineno}: {error.line}" if file and error.lineno else ""
    if error.category == "not_implemented":
        return f"not implemented{where}"
    if error.category == "device" and device.startswith("cuda"):
        return (
            f"device bug: your code mixes a CPU tensor with the {device} inputs{where} "
            "(create new tensors with device=x.device)"
        )
    if error.category == "inplace":
        return (
            f"modifies an input (or a tensor autograd needs) in place{where}; "
            "treat inputs as read-only (x = x - m, not x -= m; or clone first)"
        )
    if error.category == "memory":
        asked = error.text if error.text.startswith("allocate") else error.type_name
        return f"memory limit exceeded{where} ({asked}); the cases are small, so is the memory they need"
    if error.category == "exit":
        return f"your code called exit ({error.text}){where}; return the result instead"
    if error.category == "recursion":
        return f"infinite recursion (RecursionError){where}"
    return f"raised {error.type_name}: {error.text}{where}"


def forbidden_message(what: str) -> str:
    advice = " (write it yourself from tensor operations)" if what.startswith("torch.") else ""
    return f"calls a forbidden API: {what}{advice}"


def _mutated(planned: Planned, got: CallReply) -> str:
    names = dict(enumerate(planned.run.param_names))
    pairs = [
        (names.get(i, f"argument {i + 1}"), original, got.args[i] if i < len(got.args) else None)
        for i, original in enumerate(planned.case.args)
    ]
    pairs += [(key, original, got.kwargs.get(key)) for key, original in planned.case.kwargs.items()]
    for label, original, after in pairs:
        before = list(tensors_in(original, label))
        now = dict(tensors_in(after, label))
        for sub, tensor in before:
            if sub not in now or not same_exact(now[sub].detach(), tensor.detach()):
                return f"modified its input `{sub}` in place; treat inputs as read-only (clone first)"
    return ""


def _frozen(planned: Planned, got: CallReply) -> str:
    want = planned.expected.requires_grad
    for name, trainable in want.items():
        if got.requires_grad.get(name, trainable) != trainable:
            should = "trainable" if trainable else "frozen (requires_grad=False)"
            return (
                f"parameter `{name}` has requires_grad={got.requires_grad[name]}; it must be {should}, "
                "as in the stub's __init__ (a LoRA layer trains only its low-rank factors)"
            )
    return ""


def _too_large(planned: Planned, got: CallReply) -> str:
    limit = planned.case.max_intermediate
    if limit is None or got.largest is None:
        return ""
    size = 1
    for n in got.largest:
        size *= n
    if size <= limit:
        return ""
    return (
        f"your call created a {tuple(got.largest)} tensor: {size} elements; this case allows at most {limit} "
        "elements in any one tensor (a tiled kernel keeps one block of scores at a time)"
    )


def failure_of(planned: Planned, got: CallReply, file: str | None, unsupported: str | None = None) -> str:
    """Why the reply fails before its values are compared, or ''."""
    if got.forbidden:
        return forbidden_message(got.forbidden)
    if unsupported:
        return f"returned {unsupported}, which cannot be compared; return tensors (or Python numbers)"
    if got.state_problem:
        return f"your module's parameters differ from the stub's __init__ ({got.state_problem}); keep __init__ as given"
    if got.error:
        return explain(got.error, file, planned.run.device)
    if got.no_grad_through:
        return (
            f"no gradient flows back through {got.no_grad_through} (did you detach, use .data or .item(), "
            "or leave torch?)"
        )
    return _mutated(planned, got) or _frozen(planned, got) or _too_large(planned, got)


def judge(
    planned: Planned, got: CallReply, file: str | None = None, unsupported: str | None = None, maps: bool = True
) -> tuple[CaseResult, Outcome]:
    """The CaseResult of one reply, and what diagnosis needs of it (`maps=False`: no mismatch maps, faster)."""
    run = planned.run
    case = planned.case
    result = CaseResult(
        name=case.name,
        status="pass",
        kind=case.kind if case.kind in CASE_KINDS else "hidden",
        dtype=planned.ctx.dtype_name,
        call=run.call_text(case),
        note=case.note,
        seed=planned.seed,
        duration_s=got.duration_s,
    )
    outcome = Outcome(failure=failure_of(planned, got, file, unsupported))
    if got.error is None and got.state_problem is None and not unsupported and not got.forbidden:
        try:  # diagnosis compares these even when the case failed before its values were compared
            outcome.leaves = run.leaves(got)
        except Exception as exc:  # noqa: BLE001 - the drill's observe hook met a value it cannot read
            outcome.failure = (
                outcome.failure or f"returned a value the grader cannot read ({type(exc).__name__}: {exc})"
            )
    if outcome.failure:
        result.message = outcome.failure
    else:
        problem = compare_all(
            outcome.leaves, planned.expected_leaves, run.drill.tolerance, run.grad_tolerance, case.tol_scale, maps
        )
        if problem is None and run.check is not None:
            try:
                outcome.checked = run.check(got.output, got.args, got.kwargs) or ""
            except Exception as exc:  # noqa: BLE001 - the drill's check hook met a value it cannot read
                outcome.checked = f"returned a value the grader cannot check ({type(exc).__name__}: {exc})"
            result.message = outcome.checked
        elif problem is not None:
            result.message = problem.message
            result.max_abs_err, result.max_rel_err = problem.max_abs_err, problem.max_rel_err
            result.mismatch_map = problem.mismatch_map
    if got.error is not None and got.error.traceback:
        result.traceback = got.error.traceback
    if result.message:
        result.status = "error" if got.error is not None and got.error.category in FATAL else "fail"
    return result, outcome


def same_behaviour(planned: Planned, got: Outcome, theirs: Outcome) -> bool:
    """Whether a known mistake behaves like the learner's code on this case."""
    if got.failure != theirs.failure or got.checked != theirs.checked or not theirs.leaves:
        return False
    run = planned.run
    return (
        compare_all(
            got.leaves, theirs.leaves, run.drill.tolerance, run.grad_tolerance, planned.case.tol_scale, maps=False
        )
        is None
    )

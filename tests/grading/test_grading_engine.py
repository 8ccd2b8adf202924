"""The trusted side in-process: which gradients are compared, cloning, the trivial-output guard on
gradients, tensor subclasses, the init_state hook, and a diagnosis that does not depend on the
order of a drill's mistakes. (The learner's process runs the same child/call.py; see test_boundary.)"""

import textwrap
from pathlib import Path

import pytest
import torch

from llmprep.bank.schema import Source, Text
from llmprep.drills import manifest
from llmprep.drills.registry import Drill, load_drill
from llmprep.grading.api import Case
from llmprep.grading.child.call import clone, run_call
from llmprep.grading.child.wire import CallRequest
from llmprep.grading.compare import compare
from llmprep.grading.diagnose import diagnose
from llmprep.grading.evaluate import judge
from llmprep.grading.plan import Ctx, DrillRun

TOL = {"float32": (1e-5, 1e-6), "float64": (1e-10, 1e-12)}


def session_of(drill_id: str, seed: int = 3) -> DrillRun:
    return DrillRun(load_drill(drill_id), "cpu", [seed])


def grade_all(run: DrillRun, entry):
    results, failing = [], []
    for planned in run.plan:
        result, outcome = judge(planned, run.call_trusted(entry, planned))
        results.append(result)
        if result.status == "fail":
            failing.append((planned.index, outcome))
    return results, failing


# ---------------------------------------------------------------- gradients of marked inputs


def test_a_learner_may_detach_the_teacher():
    session = session_of("kd_loss")
    ref = session.reference.distillation_loss

    def detached_teacher(student_logits, teacher_logits, temperature=2.0):
        return ref(student_logits, teacher_logits.detach(), temperature)

    results, _ = grade_all(session, detached_teacher)
    assert all(r.status == "pass" for r in results), [r.message for r in results if r.status != "pass"]


@pytest.mark.parametrize(
    "drill_id, entry, detach",
    [
        ("ppo_loss", "ppo_clip_loss", (1, 2)),
        ("dpo_loss", "dpo_loss", (2, 3)),
        ("self_critical_loss", "self_critical_loss", (1, 2)),
        ("mrt_loss", "mrt_loss", (1,)),
    ],
    ids=["ppo", "dpo", "self_critical", "mrt"],
)
def test_constant_inputs_may_be_detached(drill_id, entry, detach):
    session = session_of(drill_id)
    ref = getattr(session.reference, entry)

    def learner(*args, **kwargs):
        args = [a.detach() if i in detach and isinstance(a, torch.Tensor) else a for i, a in enumerate(args)]
        return ref(*args, **kwargs)

    results, _ = grade_all(session, learner)
    assert all(r.status == "pass" for r in results), [r.message for r in results if r.status != "pass"]


def test_a_detached_student_fails_and_is_named():
    session = session_of("kd_loss")
    ref = session.reference.distillation_loss

    def detached_student(student_logits, teacher_logits, temperature=2.0):
        return ref(student_logits.detach(), teacher_logits, temperature)

    results, failing = grade_all(session, detached_student)
    assert failing and all("no gradient flows back" in r.message for r in results if r.status == "fail")
    assert diagnose(session, failing).key == "student_detached"


def test_a_wrong_gradient_of_a_marked_input_fails():
    session = session_of("kd_loss")
    ref = session.reference.distillation_loss

    def half_gradient(student_logits, teacher_logits, temperature=2.0):
        loss = ref(student_logits, teacher_logits, temperature)
        return 0.5 * loss + 0.5 * loss.detach()  # right value, half the gradient

    results, _ = grade_all(session, half_gradient)
    assert any(r.status == "fail" and r.message.startswith("grad of student_logits") for r in results)


def _gradient_names(case: Case) -> list[str]:
    from llmprep.grading.plan import marks_trainable

    request = CallRequest(
        0, case.args, case.kwargs, seed=1, grad=True, every_float=not marks_trainable(case), param_names=["a", "b"]
    )
    reply = run_call(lambda a, b: (a * b).sum(), request, kind="function", device="cpu")
    assert reply.error is None and reply.no_grad_through is None
    return [name for name, _ in reply.grads]


def test_unmarked_cases_compare_every_floating_input():
    ctx = Ctx("float64", "cpu", 1)
    assert _gradient_names(Case("c", (ctx.randn(3), ctx.randn(3)))) == ["grad of a", "grad of b"]


def test_marked_cases_compare_only_the_marked_inputs():
    ctx = Ctx("float64", "cpu", 1)
    assert _gradient_names(Case("c", (ctx.randn(3).requires_grad_(), ctx.randn(3)))) == ["grad of a"]


# ---------------------------------------------------------------- cloning


def test_clone_keeps_grad_and_requires_grad_of_plain_leaves():
    plain = torch.zeros(3)
    plain.grad = torch.ones(3)
    trainable = torch.zeros(2, requires_grad=True)
    trainable.grad = torch.full((2,), 2.0)
    param = torch.nn.Parameter(torch.zeros(1))
    param.grad = torch.full((1,), 3.0)
    copies = clone([plain, trainable, param], every_float=False)
    assert [c.grad.tolist() for c in copies] == [[1.0] * 3, [2.0] * 2, [3.0]]
    assert [c.requires_grad for c in copies] == [False, True, True]
    assert isinstance(copies[2], torch.nn.Parameter)
    assert copies[1].grad is not trainable.grad and copies[1].grad.data_ptr() != trainable.grad.data_ptr()


# ---------------------------------------------------------------- the trivial-output guard


def test_the_guard_skips_a_gradient_that_is_zero_up_to_rounding():
    noise = torch.tensor([1e-17, -3e-17, 0.0, 2e-18], dtype=torch.float64)
    assert compare("grad of x", torch.zeros(4, dtype=torch.float64), noise, TOL) is None
    assert compare("output", torch.zeros(4, dtype=torch.float64), noise, TOL) is None


def test_the_guard_still_catches_zeros_where_the_expected_values_are_not_small():
    want = torch.tensor([0.0, 1e-3, 2.0], dtype=torch.float64)
    problem = compare("grad of x", torch.zeros(3, dtype=torch.float64), want, TOL)
    assert problem and "is all zeros" in problem.message


# ---------------------------------------------------------------- tensor subclasses


class _Tagged(torch.Tensor):
    """A tensor subclass whose 0-dim results do not format with `:.1f` by themselves."""


@pytest.mark.parametrize("dtype", [torch.float32, torch.int64], ids=["float", "int"])
def test_compare_formats_tensor_subclasses(dtype):
    want = torch.arange(6, dtype=dtype).reshape(2, 3)
    got = (want + 1).as_subclass(_Tagged)
    problem = compare("output", got, want.as_subclass(_Tagged), TOL)
    assert problem and "100.0% of 6 values differ" in problem.message


# ---------------------------------------------------------------- init_state


def test_lora_init_state_exercises_the_low_rank_path_in_the_forward_pass():
    session = session_of("lora")
    planned = session.plan[0]
    assert planned.expected.state["lora_B"].abs().sum() > 0
    for mistake in session.mistakes():
        if mistake.key in ("alpha_not_divided", "no_scaling"):
            result, _ = judge(planned, session.call_trusted(mistake.impl, planned))
            assert result.status == "fail" and result.message.startswith("output"), result.message


def _write_drill(
    tmp_path, cases_py: str, reference_py: str, kind: str = "function", entry: str = "double", grad: bool = False
) -> Drill:
    folder = tmp_path / "toy"
    folder.mkdir()
    (folder / "reference.py").write_text(textwrap.dedent(reference_py))
    (folder / "cases.py").write_text(textwrap.dedent(cases_py))
    (folder / "drill.yaml").write_text("")
    (tmp_path / manifest.MANIFEST).write_text(manifest.build(tmp_path))
    text = Text("toy", "toy")
    return Drill(
        id="toy",
        dir=Path(folder),
        title=text,
        topic="attention",
        difficulty="junior",
        entry=entry,
        kind=kind,
        signature="",
        dtypes=("float64",),
        cuda_dtypes=(),
        tolerance={"float64": (1e-10, 1e-12)},
        grad=grad,
        forbidden=(),
        hints=(text,),
        source=Source(),
    )


def test_init_state_runs_on_the_reference_and_its_state_reaches_the_learner(tmp_path):
    job = _write_drill(
        tmp_path,
        """
        import torch
        from llmprep.grading.api import Case, Mistake

        def cases(ctx):
            return [Case("example", (ctx.randn(2, 3),), init=(3,), kind="example")]

        CALLS = []

        def init_state(module, ctx):
            CALLS.append(module)
            module.scale.copy_(ctx.randn(3, dtype=torch.float32) + 5)

        def mistakes(ref):
            return []
        """,
        """
        import torch

        class Scale(torch.nn.Module):
            def __init__(self, n):
                super().__init__()
                self.scale = torch.nn.Parameter(torch.zeros(n))

            def forward(self, x):
                return x * self.scale
        """,
        kind="module",
        entry="Scale",
    )
    session = DrillRun(job, "cpu", [1])
    planned = session.plan[0]
    state = planned.expected.state["scale"]
    assert (state > 2).all()
    reply = session.call_trusted(session.entry, planned)
    result, _ = judge(planned, reply)
    assert result.status == "pass" and planned.learner_request().state["scale"] is state
    assert len(session.cases_module.CALLS) == 1  # the reference's run only; the learner's loads the state


# ---------------------------------------------------------------- diagnosis

TOY_REFERENCE = """
    import torch

    def double(x):
        return (2 * x).detach()
"""

TOY_CASES = """
    import torch
    from llmprep.grading.api import Case, Mistake

    def cases(ctx):
        return [Case("example", (ctx.tensor([1.0, 2.0, 3.0]).requires_grad_(),), kind="example"),
                Case("negative", (ctx.tensor([-1.0, -2.0, -4.0]).requires_grad_(),)),
                Case("mixed", (ctx.tensor([-1.0, 5.0, 0.5]).requires_grad_(),))]

    def check(output, args, kwargs):
        return "the output carries gradient: detach it" if output.requires_grad else None

    def mistakes(ref):
        return [
            Mistake("abs", "doubled |x|", lambda x: (2 * x.abs()).detach()),
            Mistake("not_detached", "not detached", lambda x: 2 * x),
            Mistake("plus_one", "added 1 everywhere", lambda x: (2 * x + 1).detach()),
            Mistake("plus_one_if_positive", "added 1 when every x > 0",
                    lambda x: (2 * x + bool((x > 0).all())).detach()),
        ]
"""


@pytest.fixture
def toy(tmp_path):
    return DrillRun(_write_drill(tmp_path, TOY_CASES, TOY_REFERENCE), "cpu", [1])


@pytest.mark.parametrize("reverse", [False, True], ids=["listed", "reversed"])
@pytest.mark.parametrize(
    "learner, key",
    [
        (lambda x: 2 * x, "not_detached"),  # `abs` equals the reference on the first case: it must not be named
        (lambda x: (2 * x + 1).detach(), "plus_one"),  # plus_one_if_positive matches on 1 case, plus_one on all 3
        # both match on the one failing case (example); plus_one also fails the cases this learner passes
        (lambda x: (2 * x + bool((x > 0).all())).detach(), "plus_one_if_positive"),
    ],
    ids=["check-only", "most-cases", "tie-break"],
)
def test_diagnosis_names_the_mistake_that_fails_like_the_learner(toy, learner, key, reverse):
    if reverse:
        toy._mistakes = list(reversed(toy.mistakes()))
    _, failing = grade_all(toy, learner)
    assert failing
    assert diagnose(toy, failing).key == key


def test_no_diagnosis_when_no_mistake_fails_like_the_learner(toy):
    _, failing = grade_all(toy, lambda x: (3 * x).detach())
    assert diagnose(toy, failing) is None


ORDER_SENSITIVE = [
    "kd_loss",
    "ppo_loss",
    "dpo_loss",
    "self_critical_loss",
    "mrt_loss",
    "gae",
    "rlhf_rewards",
    "flash_attention",
    "magnitude_pruning",
]


@pytest.mark.slow
@pytest.mark.parametrize("drill_id", ORDER_SENSITIVE)
def test_every_mistake_is_named_whatever_the_list_order(drill_id):
    """These drills once listed their mistakes in an order the diagnosis depended on."""
    for order in (1, -1):
        session = session_of(drill_id)
        session._mistakes = session.mistakes()[::order]
        for mistake in session.mistakes():
            _, failing = grade_all(session, mistake.impl)
            assert failing, mistake.key
            diagnosis = diagnose(session, failing)
            assert diagnosis and diagnosis.key == mistake.key, (order, mistake.key, diagnosis)


# ---------------------------------------------------------------- the case's own rules

RULES_REFERENCE = """
    import torch

    def rowsum(x):
        out = x[:, 0].clone()
        for j in range(1, x.shape[1]):  # one column at a time: nothing larger than a row is created
            out = out + x[:, j]
        return out

    class Frozen(torch.nn.Module):
        def __init__(self, n):
            super().__init__()
            self.weight = torch.nn.Parameter(torch.ones(n), requires_grad=False)
            self.bias = torch.nn.Parameter(torch.zeros(n))

        def forward(self, x):
            return x * self.weight + self.bias
"""

RULES_CASES = """
    from llmprep.grading.api import Case, Mistake

    def cases(ctx):
        return [Case("example", (ctx.randn(4, 3),), kind="example"),
                Case("bounded", (ctx.randn(64, 48),), max_intermediate=64 * 2),
                Case("loose", (1e3 * ctx.randn(5, 3),), tol_scale=1e9)]

    def mistakes(ref):
        return []
"""


def test_max_intermediate_rejects_a_large_tensor_and_tol_scale_loosens_a_case(tmp_path):
    run = DrillRun(_write_drill(tmp_path, RULES_CASES, RULES_REFERENCE, entry="rowsum"), "cpu", [1])
    bounded, loose = run.plan[1], run.plan[2]
    assert judge(bounded, run.call_trusted(run.entry, bounded))[0].status == "pass"
    result, _ = judge(bounded, run.call_trusted(lambda x: (x * 1.0).sum(-1), bounded))
    assert result.status == "fail"
    assert result.message.startswith("your call created a (64, 48) tensor: 3072 elements; this case allows at most 128")
    off = lambda x: run.entry(x) * (1 + 1e-4)  # noqa: E731 - wrong beyond float64's rtol, within 1e9 x that
    assert judge(loose, run.call_trusted(off, loose))[0].status == "pass"
    assert judge(run.plan[0], run.call_trusted(off, run.plan[0]))[0].status == "fail"


def test_frozen_parameters_must_stay_frozen(tmp_path):
    cases = """
        from llmprep.grading.api import Case

        def cases(ctx):
            return [Case("example", (ctx.randn(4, 3),), init=(3,), kind="example")]

        def mistakes(ref):
            return []
    """
    run = DrillRun(_write_drill(tmp_path, cases, RULES_REFERENCE, kind="module", entry="Frozen", grad=True), "cpu", [1])
    planned = run.plan[0]
    assert judge(planned, run.call_trusted(run.entry, planned))[0].status == "pass"

    class Trainable(run.entry):
        def __init__(self, n):
            super().__init__(n)
            self.weight.requires_grad_(True)

    result, _ = judge(planned, run.call_trusted(Trainable, planned))
    assert result.status == "fail" and "parameter `weight` has requires_grad=True; it must be frozen" in result.message

import torch

from llmprep.grading.api import Case, Mistake


def cases(ctx):
    wide = ctx.tensor([1e4, -1e4, 30.0, -30.0, 0.0])
    return [
        Case("example", (ctx.tensor([2.0, 0.5, -1.0]), ctx.tensor([1.0, 0.5, 1.0])), kind="example"),
        Case("one pair", (ctx.randn(1), ctx.randn(1))),
        Case("a batch", (ctx.randn(7), ctx.randn(7))),
        Case("a 2-D batch", (ctx.randn(4, 3), ctx.randn(4, 3))),
        Case(
            "wide margins",
            (wide, torch.zeros_like(wide)),
            kind="edge",
            note="margins of +-1e4: log(sigmoid(m)) overflows",
        ),
        Case("large rewards", (5000 * ctx.randn(9), 5000 * ctx.randn(9)), kind="edge"),
        Case(
            "ties",
            (ctx.tensor([0.3, -2.0, 4.0]), ctx.tensor([0.3, -2.0, 4.0])),
            kind="edge",
            note="equal rewards: each pair costs log 2",
        ),
    ]


def mistakes(ref):
    def naive(chosen, rejected):
        return -torch.log(torch.sigmoid(chosen - rejected)).mean()

    def swapped(chosen, rejected):
        return ref.pairwise_reward_loss(rejected, chosen)

    def summed(chosen, rejected):
        return -torch.nn.functional.logsigmoid(chosen - rejected).sum()

    def no_minus(chosen, rejected):
        return torch.nn.functional.logsigmoid(chosen - rejected).mean()

    return [
        Mistake(
            "naive",
            "log(sigmoid(x)) overflows: sigmoid(-1e4) is 0 and log(0) is -inf; use logsigmoid or softplus(-x)",
            naive,
        ),
        Mistake("swapped", "chosen and rejected are swapped: the loss should be small when chosen wins", swapped),
        Mistake("summed", "sums over the pairs instead of taking the mean", summed),
        Mistake("no_minus", "forgot the minus sign: -log sigmoid(margin) is the loss", no_minus),
    ]

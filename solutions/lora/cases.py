import torch

from llmprep.grading.api import Case, Mistake


def cases(ctx):
    out = [
        Case("example", (ctx.randn(2, 4),), init=(4, 3), kind="example"),
        Case("single row, rank 1", (ctx.randn(1, 6),), init=(6, 5, 1, 4), note="rank = 1, alpha = 4"),
        Case("odd sizes", (ctx.randn(7, 13),), init=(13, 9, 3, 5), note="scale 5/3"),
        Case("batch dims", (ctx.randn(2, 5, 32),), init=(32, 24), note="x (B, T, in)"),
        Case("wide", (ctx.randn(3, 64),), init=(64, 96, 16, 32)),
        Case("scale below one", (ctx.randn(3, 12),), init=(12, 12, 8, 2), kind="edge", note="alpha < rank"),
    ]
    # large values in half types only re-test rounding (scores or sums that cancel); float32/64 only
    if ctx.dtype in (torch.float32, torch.float64):
        out.append(
            Case(
                "large magnitudes",
                (1e3 * ctx.randn(4, 10),),
                init=(10, 6, 2, 16),
                kind="edge",
                note="|x| ~ 1e3, scale 8",
            )
        )
    return out


def init_state(module, ctx):
    """lora_B starts at zero, which would hide the low-rank path (and its alpha / rank scale) from
    the forward output; give it values of the same size as lora_A's."""
    module.lora_B.copy_(ctx.randn(*module.lora_B.shape, dtype=module.lora_B.dtype) / module.lora_A.shape[1] ** 0.5)


def check(output, args, kwargs):
    """Only lora_A and lora_B may train. Grader v2 compares every parameter's requires_grad with the
    reference's; until then, count the parameters the output's autograd graph would update."""
    node = getattr(output, "grad_fn", None)
    seen, todo, params = set(), [node], []
    while todo:
        node = todo.pop()
        if node is None or node in seen:
            continue
        seen.add(node)
        variable = getattr(node, "variable", None)
        if isinstance(variable, torch.nn.Parameter):
            params.append(tuple(variable.shape))
        todo += [n for n, _ in node.next_functions]
    if len(params) > 2:
        return (
            f"{len(params)} parameters would train (shapes {sorted(params)}); only lora_A and lora_B may: "
            "the pretrained weight and bias stay frozen (requires_grad=False)"
        )
    return None


def mistakes(ref):
    class AlphaNotDivided(ref.LoRALinear):
        def forward(self, x):
            return x @ self.weight.T + self.bias + self.alpha * (x @ self.lora_A.T @ self.lora_B.T)

    class NoScaling(ref.LoRALinear):
        def forward(self, x):
            return x @ self.weight.T + self.bias + x @ self.lora_A.T @ self.lora_B.T

    class DroppedBias(ref.LoRALinear):
        def forward(self, x):
            return x @ self.weight.T + (self.alpha / self.rank) * (x @ self.lora_A.T @ self.lora_B.T)

    class BaseTrainable(ref.LoRALinear):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.weight.requires_grad_(True)  # forward is right; the pretrained layer would train too
            self.bias.requires_grad_(True)

    return [
        Mistake(
            "base_trainable",
            "the pretrained weight and bias are trainable (requires_grad=True): only lora_A and lora_B may train",
            BaseTrainable,
        ),
        Mistake("alpha_not_divided", "scaled the update by alpha instead of alpha / rank", AlphaNotDivided),
        Mistake("no_scaling", "left out the alpha / rank scale", NoScaling),
        Mistake("dropped_bias", "dropped the frozen bias of the pretrained layer", DroppedBias),
    ]

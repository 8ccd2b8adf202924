import torch
import torch.nn.functional as F

from llmprep.grading.api import Case, Mistake


def cases(ctx):
    out = [
        Case("example", (ctx.randn(1, 3, 8),), init=(8, 16), kind="example"),
        Case("single token", (ctx.randn(1, 4),), init=(4, 1), note="d_ff = 1"),
        Case("odd sizes", (ctx.randn(5, 7),), init=(7, 11)),
        Case("batch dims", (ctx.randn(2, 3, 5, 24),), init=(24, 40), note="x (B, H, T, d_model)"),
        Case("llama ratio", (ctx.randn(2, 9, 48),), init=(48, 128), note="d_ff ~ 8/3 d_model"),
        Case(
            "zero input",
            (torch.zeros(2, 8, dtype=ctx.dtype, device=ctx.device),),
            init=(8, 12),
            kind="edge",
            note="zero in, zero out",
        ),
    ]
    # large values in half types only re-test rounding (scores or sums that cancel); float32/64 only
    if ctx.dtype in (torch.float32, torch.float64):
        out.append(
            Case(
                "large magnitudes",
                (20 * ctx.randn(3, 16),),
                init=(16, 24),
                kind="edge",
                note="|x| ~ 20: the gate saturates both ways",
            )
        )
    return out


def mistakes(ref):
    class SiluOnUp(ref.SwiGLU):
        def forward(self, x):
            return self.down_proj(self.gate_proj(x) * F.silu(self.up_proj(x)))

    class SigmoidGate(ref.SwiGLU):
        def forward(self, x):
            return self.down_proj(torch.sigmoid(self.gate_proj(x)) * self.up_proj(x))

    class GeluGate(ref.SwiGLU):
        def forward(self, x):
            return self.down_proj(F.gelu(self.gate_proj(x)) * self.up_proj(x))

    return [
        Mistake("silu_on_up", "SiLU applied to up_proj's output instead of gate_proj's", SiluOnUp),
        Mistake("sigmoid_gate", "gate is sigmoid(gate_proj(x)) (plain GLU), not silu = z * sigmoid(z)", SigmoidGate),
        Mistake("gelu_gate", "GELU instead of SiLU in the gate (that is GEGLU)", GeluGate),
    ]

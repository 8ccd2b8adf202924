import torch

from llmprep.grading.api import Case, Mistake

GAP = 1e-3  # the least distance between neighbouring ranking scores of a random case, in float64


def _random_table(ctx, T, V, bos, eos, beam_size, alpha=0.0, eos_boost=0.5, sharp=1.5):
    """A random (T, V, V) next-token table (log-probs, rows normalised in float64), eos a little more likely.

    A different table per step: with one table for all steps, sequences that take the same
    transitions in another order (a a b a and a b a a) would tie exactly. Tables where two of the
    top beam_size + 1 candidates of some step lie within GAP are drawn again, so that summing the
    same log-probs in another order cannot change the result."""
    for _ in range(100):
        logits = ctx.randn(T, V, V, dtype=torch.float64) * sharp
        logits[..., eos] += eos_boost
        table = torch.log_softmax(logits, dim=-1).to(ctx.dtype)
        if _least_gap(table.double(), bos, eos, beam_size, alpha) > GAP:
            return table
    raise AssertionError("no random table without near-ties")


def _least_gap(log_probs, bos, eos, beam_size, alpha):
    """The smallest difference between neighbouring ranking scores among the top beam_size + 1
    candidates of any step, searching as the reference does (float64)."""
    T, V, _ = log_probs.shape
    beams, least = [([], 0.0)], float("inf")
    for t in range(T):
        if all(tokens and tokens[-1] == eos for tokens, _ in beams):
            break
        candidates = []
        for tokens, total in beams:
            if tokens and tokens[-1] == eos:
                candidates.append((tokens, total))
                continue
            last = tokens[-1] if tokens else bos
            candidates += [(tokens + [b], total + float(log_probs[t, last, b])) for b in range(V)]
        ranked = sorted((total / len(tokens) ** alpha, tokens, total) for tokens, total in candidates)[::-1]
        top = [score for score, _, _ in ranked[: beam_size + 1]]
        least = min([least] + [a - b for a, b in zip(top, top[1:])])
        beams = [(tokens, total) for _, tokens, total in ranked[:beam_size]]
    return least


def _table(ctx, T, probs):
    """A hand-made table, the same at each of T steps."""
    return ctx.tensor(probs, dtype=torch.float64).log().expand(T, -1, -1).to(ctx.dtype)


def cases(ctx):
    def search(name, log_probs, bos, eos, beam_size, alpha=None, **more):
        kwargs = {} if alpha is None else {"alpha": alpha}
        return Case(name, (log_probs, bos, eos, beam_size), kwargs, **more)

    example = ctx.tensor([[0.1, 0.6, 0.3], [0.25, 0.35, 0.4], [0.2, 0.3, 0.5]]).log().expand(3, 3, 3)
    # bos 0, eos 3. Step 1 keeps [1] (.5) and [2] (.4); then both best extensions come from [2]
    greedy_trap = _table(
        ctx, 2, [[0.05, 0.5, 0.4, 0.05], [0.27, 0.26, 0.25, 0.22], [0.02, 0.02, 0.6, 0.36], [0.25, 0.25, 0.25, 0.25]]
    )
    # bos 0, eos 3: [3] finishes at step 1 with .6 and nothing later beats it
    finished_wins = _table(
        ctx, 3, [[0.12, 0.2, 0.08, 0.6], [0.3, 0.45, 0.1, 0.15], [0.5, 0.2, 0.2, 0.1], [0.7, 0.12, 0.1, 0.08]]
    )
    # bos 0, eos 3: the long sequence 1 1 1 wins only per token
    long_wins = _table(
        ctx, 3, [[0.05, 0.5, 0.06, 0.39], [0.05, 0.9, 0.03, 0.02], [0.3, 0.3, 0.3, 0.1], [0.25, 0.25, 0.25, 0.25]]
    )
    eos_everywhere = _random_table(ctx, 6, 5, 0, 4, 3, eos_boost=3.0)
    return [
        search("example", example, 0, 2, 2, kind="example"),
        search("T4_V5_beam3", _random_table(ctx, 4, 5, 0, 4, 3), 0, 4, 3),
        search(
            "T6_V8_beam4_alpha0.6",
            _random_table(ctx, 6, 8, 0, 7, 4, 0.6),
            0,
            7,
            4,
            0.6,
            note="length-normalised ranking",
        ),
        search(
            "T5_V6_beam2_alpha1",
            _random_table(ctx, 5, 6, 3, 1, 2, 1.0, eos_boost=1.0),
            3,
            1,
            2,
            1.0,
            note="bos 3, eos 1, ranking by the mean log-prob per token",
        ),
        search("T7_V7_beam3", _random_table(ctx, 7, 7, 2, 0, 3, eos_boost=-0.5), 2, 0, 3, note="eos is token 0"),
        search("beam1_is_greedy", _random_table(ctx, 5, 6, 0, 5, 1), 0, 5, 1, note="beam_size 1: greedy decoding"),
        search(
            "greedy_trap",
            greedy_trap,
            0,
            3,
            2,
            kind="edge",
            note="the two best extensions come from the same beam: rank all beam x V candidates together",
        ),
        search(
            "finished_beam_wins",
            finished_wins,
            0,
            3,
            2,
            kind="edge",
            note="a sequence that ends at step 1 stays the best: keep it, and never extend it past eos",
        ),
        search(
            "length_normalisation",
            long_wins,
            0,
            3,
            2,
            1.0,
            kind="edge",
            note="alpha 1: the score is total / L, L counting eos but not bos",
        ),
        search(
            "fewer_candidates_than_beams",
            _random_table(ctx, 1, 2, 0, 1, 3),
            0,
            1,
            3,
            kind="edge",
            note="V = 2, beam_size 3, one step: only 2 sequences exist",
        ),
        search(
            "all_finish_early",
            eos_everywhere,
            0,
            4,
            3,
            kind="edge",
            note="every kept sequence ends before T steps: stop, pad with -1",
        ),
    ]


def _search(
    log_probs,
    bos,
    eos,
    beam_size,
    alpha,
    *,
    probs=False,
    keep_finished=True,
    stop_at_eos=True,
    normalise=True,
    bos_in_length=False,
    per_beam_best=False,
):
    T, V, _ = log_probs.shape
    steps = log_probs.exp() if probs else log_probs
    beams = [([], log_probs.new_zeros(()))]

    def finished(tokens):
        return stop_at_eos and len(tokens) > 0 and tokens[-1] == eos

    def rank(beam):
        tokens, total = beam
        length = len(tokens) + (1 if bos_in_length else 0)
        return total / length**alpha if normalise else total

    for step in range(T):
        if all(finished(t) for t, _ in beams):
            break
        candidates = []
        for tokens, total in beams:
            if finished(tokens):
                if keep_finished:
                    candidates.append((tokens, total))
                continue
            last = tokens[-1] if tokens else bos
            options = range(V)
            if per_beam_best and step > 0:
                options = [int(steps[step, last].argmax())]
            candidates += [(tokens + [b], total + steps[step, last, b]) for b in options]
        candidates.sort(key=lambda beam: float(rank(beam)), reverse=True)
        beams = candidates[:beam_size]
    out = torch.full((len(beams), T), -1, dtype=torch.long, device=log_probs.device)
    for i, (tokens, _) in enumerate(beams):
        out[i, : len(tokens)] = torch.tensor(tokens, dtype=torch.long)
    scores = torch.stack([rank(b) for b in beams]) if beams else log_probs.new_zeros(0)
    return out, scores


def mistakes(ref):
    def sums_probabilities(log_probs, bos, eos, beam_size, alpha=0.0):
        return _search(log_probs, bos, eos, beam_size, alpha, probs=True)

    def drops_finished(log_probs, bos, eos, beam_size, alpha=0.0):
        return _search(log_probs, bos, eos, beam_size, alpha, keep_finished=False)

    def extends_after_eos(log_probs, bos, eos, beam_size, alpha=0.0):
        return _search(log_probs, bos, eos, beam_size, alpha, stop_at_eos=False)

    def no_length_normalisation(log_probs, bos, eos, beam_size, alpha=0.0):
        return _search(log_probs, bos, eos, beam_size, alpha, normalise=False)

    def length_counts_bos(log_probs, bos, eos, beam_size, alpha=0.0):
        return _search(log_probs, bos, eos, beam_size, alpha, bos_in_length=True)

    def per_beam_best(log_probs, bos, eos, beam_size, alpha=0.0):
        return _search(log_probs, bos, eos, beam_size, alpha, per_beam_best=True)

    return [
        Mistake(
            "sums_probabilities",
            "added probabilities; a sequence's score is the sum of its log-probabilities (the log of the product)",
            sums_probabilities,
        ),
        Mistake(
            "drops_finished",
            "a sequence that emits eos is dropped; it must stay a candidate, unchanged, "
            "competing with the unfinished ones",
            drops_finished,
        ),
        Mistake(
            "extends_after_eos",
            "finished sequences are extended past eos; they must be carried over as they are",
            extends_after_eos,
        ),
        Mistake(
            "no_length_normalisation",
            "ranked by the plain total; the score is total / L^alpha",
            no_length_normalisation,
        ),
        Mistake(
            "length_counts_bos",
            "L counted bos; L is the number of generated tokens (eos included, bos not)",
            length_counts_bos,
        ),
        Mistake(
            "per_beam_best",
            "each beam extended only by its own best token (k greedy searches); rank all beam x V candidates together",
            per_beam_best,
        ),
    ]

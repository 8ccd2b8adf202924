"""Beam search with end-of-sequence handling and length normalisation (as in machine translation:
Sutskever et al., 2014; the length penalty of Wu et al., 2016, GNMT, in its simple form).

Greedy decoding commits to the best next token at every step; beam search keeps the `beam_size`
best partial sequences instead, which finds sequences whose later tokens make up for a weaker
start. To keep the drill self-contained the "model" is a table: the next token depends only on
the step and on the last token.

Write `beam_search(log_probs, bos, eos, beam_size, alpha=0.0) -> (tokens, scores)`.

Shapes:
    log_probs  (T, V, V) float: log_probs[t, a, b] = log p(token t = b | token t-1 = a), counting
               generated tokens from 0 (token -1 is bos); rows are normalised (each log_probs[t, a]
               exponentiates to a distribution). T = max_len, the most tokens a sequence may have.
    bos, eos   token ids: generation starts after bos; a sequence that emits eos is finished
    returns    tokens (n, T) long: the generated tokens of each kept sequence (bos not
               included, eos included), padded with -1 on the right;
               scores (n,) in the dtype of log_probs: the ranking score of each sequence;
               best first, n = beam_size (or fewer when fewer candidates exist)

The rule:
    - a sequence y_1 .. y_L has total = sum of its log-probabilities and ranking score
      total / L^alpha (alpha = 0: the plain total; alpha > 0 favours longer sequences, which
      would otherwise lose by accumulating more negative terms). L counts eos, not bos.
    - start with one empty sequence. At each step t = 0 .. T-1, the candidates are:
      every unfinished sequence extended by every token 0 .. V-1 (V candidates each), and every
      finished sequence as it is (it is never extended past eos, and it stays a candidate).
      Keep the beam_size candidates with the highest ranking scores.
    - stop after T steps, or earlier once every kept sequence is finished.
    - add log-probabilities: a product of probabilities underflows, and a sum of probabilities
      is not a probability. No two candidates in the tests have equal ranking scores.

Example:
    >>> p = torch.tensor([[0.1, 0.6, 0.3], [0.25, 0.35, 0.4], [0.2, 0.3, 0.5]])  # 0 = bos, 2 = eos
    >>> table = p.log().expand(3, 3, 3)                # the same table at each of T = 3 steps
    >>> beam_search(table, bos=0, eos=2, beam_size=2)  # greedy: [1, 2], p = 0.6 * 0.4
    (tensor([[ 2, -1, -1],
            [ 1,  2, -1]]), tensor([-1.2040, -1.4271]))
"""

import torch


def beam_search(log_probs, bos, eos, beam_size, alpha=0.0):
    # llmprep: solution begin
    T, V, _ = log_probs.shape
    beams = [([], log_probs.new_zeros(()))]  # (generated tokens, total log-prob)

    def finished(beam):
        return len(beam[0]) > 0 and beam[0][-1] == eos

    def rank(beam):
        tokens, total = beam
        return total / len(tokens) ** alpha

    for t in range(T):
        if all(finished(beam) for beam in beams):
            break
        candidates = []
        for tokens, total in beams:
            if finished((tokens, total)):
                candidates.append((tokens, total))  # kept as it is, never extended past eos
                continue
            last = tokens[-1] if tokens else bos
            for b in range(V):
                candidates.append((tokens + [b], total + log_probs[t, last, b]))
        candidates.sort(key=lambda beam: float(rank(beam)), reverse=True)
        beams = candidates[:beam_size]
    out = torch.full((len(beams), T), -1, dtype=torch.long, device=log_probs.device)  # (n, T)
    for i, (tokens, _) in enumerate(beams):
        out[i, : len(tokens)] = torch.tensor(tokens, dtype=torch.long)
    scores = torch.stack([rank(beam) for beam in beams])  # (n,)
    return out, scores
    # llmprep: solution end

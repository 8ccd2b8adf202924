"""CLIP contrastive loss (Radford et al., 2021): symmetric InfoNCE.

Write `clip_contrastive_loss(image_emb, text_emb, temperature=0.07)`: in a batch of N matching
(image, text) pairs, pair i is the positive for row i and column i, every other pair a negative.

Shapes:
    image_emb  (N, D) float, text_emb (N, D) float: row i of each describes the same pair
    returns a 0-dim tensor

Definition:
    normalise each row of both to unit L2 norm
    logits[i, j] = <image_i, text_j> / temperature                   (N, N)
    loss = ( CE(logits, targets) + CE(logits^T, targets) ) / 2       targets = [0, 1, ..., N-1]
where CE is the mean cross-entropy over rows: the first term classifies texts for each image, the
second images for each text. F.cross_entropy and F.normalize are allowed.

Example:
    >>> img = torch.tensor([[1.0, 0.0], [0.0, 1.0]]); txt = torch.tensor([[2.0, 0.0], [0.0, 3.0]])
    >>> clip_contrastive_loss(img, txt, temperature=1.0)   # log(1 + e^-1), both directions
    tensor(0.3133)
"""

import torch
import torch.nn.functional as F


def clip_contrastive_loss(image_emb, text_emb, temperature=0.07):
    # llmprep: solution begin
    N, D = image_emb.shape
    img = F.normalize(image_emb, dim=-1)  # (N, D) unit rows
    txt = F.normalize(text_emb, dim=-1)  # (N, D)
    logits = img @ txt.T / temperature  # (N, N) image i vs text j
    targets = torch.arange(N, device=logits.device)
    return (F.cross_entropy(logits, targets) + F.cross_entropy(logits.T, targets)) / 2
    # llmprep: solution end

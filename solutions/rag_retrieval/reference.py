"""Top-k retrieval by cosine similarity: the "R" of RAG.

Write `retrieve_top_k(query, docs, k)`: score every document embedding against each query
embedding and return the k best, as a vector store does before the prompt is built.

Shapes:
    query   (Q, D) float: one row per query
    docs    (N, D) float: one row per document; 1 <= k <= N; no row is all zeros
    returns (indices, scores): indices (Q, k) torch.long, scores (Q, k) in the dtype of the inputs

Rules:
    score[q, n] = cos(query_q, doc_n) = <query_q, doc_n> / (|query_q| |doc_n|)
    each row lists its k highest scores in descending order; equal scores are ordered by the
    lower document index first (a stable rule: torch.topk does not promise one)

Example:
    >>> query = torch.tensor([[1.0, 0.0]])
    >>> docs = torch.tensor([[0.0, 1.0], [3.0, 4.0], [2.0, 0.0], [5.0, 0.0]])
    >>> retrieve_top_k(query, docs, k=3)      # docs 2 and 3 tie at 1.0: index 2 first
    (tensor([[2, 3, 1]]), tensor([[1.0000, 1.0000, 0.6000]]))
"""

import torch
import torch.nn.functional as F


def retrieve_top_k(query, docs, k):
    # llmprep: solution begin
    q = F.normalize(query, dim=-1)  # (Q, D)
    d = F.normalize(docs, dim=-1)  # (N, D)
    scores = q @ d.T  # (Q, N) cosine similarities
    order = torch.sort(scores, dim=-1, descending=True, stable=True).indices[:, :k]  # (Q, k)
    return order, scores.gather(-1, order)
    # llmprep: solution end

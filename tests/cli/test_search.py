"""`llmprep search`: every term must occur; both languages; the prompt ranks first; no torch."""

from helpers import run_cli

from llmprep.bank import load_bank
from llmprep.bank.search import search


def test_every_term_must_occur_and_prompts_rank_first():
    hits = search(load_bank(), "kv cache gqa")
    assert hits and all(
        all(
            t in (h.question.prompt.en + h.question.answer.en + str(h.question.key_points)).lower()
            or t in h.question.id
            for t in ("kv", "cache", "gqa")
        )
        for h in hits[:5]
    )
    assert hits[0].where in ("prompt", "answer")
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_chinese_terms_find_chinese_text():
    hits = search(load_bank(), "旋转位置编码")
    assert any(h.question.id == "positional-encoding/rope-derivation" for h in hits)


def test_cli_prints_ids_and_exits_1_when_nothing_matches():
    found = run_cli("search", "sqrt(d_k)", "-n", "2")
    assert found.returncode == 0 and "attention/" in found.stdout
    missing = run_cli("search", "zzqqxx")
    assert missing.returncode == 1 and "No question mentions" in missing.stdout

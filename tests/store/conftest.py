import pytest

from tests.helpers import concept, make_bank

BANK_IDS = ("attention/why-scale-by-sqrt-dk", "attention/kv-cache-bytes-7b", "attention/scale-choice-quiz")


@pytest.fixture(autouse=True)
def small_bank(tmp_path_factory, monkeypatch):
    """A three-question bank: the store's tests do not depend on the real bank's current content."""
    root = make_bank(tmp_path_factory.mktemp("bank"), {"attention/a.yaml": [concept(qid) for qid in BANK_IDS]})
    monkeypatch.setenv("LLMPREP_BANK", str(root))
    return root

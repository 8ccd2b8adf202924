"""`llmprep export anki|markdown`: a real .apkg opened as SQLite, GUIDs stable across exports and edits."""

import sqlite3
import zipfile

import pytest
from helpers import concept, make_bank, run_cli

MATH_ANSWER = r"The loss is $\mathbb{E}_{y \sim \pi}[r_\theta] - \beta \pi_{ref}$ and `a_b`; costs $5 and $6."


def _notes(apkg, tmp_path):
    with zipfile.ZipFile(apkg) as z:
        z.extract("collection.anki2", tmp_path)
    db = sqlite3.connect(tmp_path / "collection.anki2")
    try:
        return {flds.split("\x1f")[0]: (guid, flds) for guid, flds in db.execute("select guid, flds from notes")}
    finally:
        db.close()


@pytest.fixture()
def bank(tmp_path):
    def write(answer: str):
        q = concept("attention/a", answer={"en": answer, "zh": "答案：" + answer})
        return make_bank(tmp_path / "bank", {"t/a.yaml": [q, concept("attention/b")]})

    return write


def test_anki_deck_has_one_note_per_question_with_stable_guids(tmp_path, bank):
    env = {"LLMPREP_BANK": str(bank(MATH_ANSWER)), "LLMPREP_HOME": str(tmp_path / "home")}
    first = run_cli("export", "anki", str(tmp_path / "one.apkg"), env=env)
    assert first.returncode == 0, first.stderr
    one = _notes(tmp_path / "one.apkg", tmp_path / "x1")
    assert set(one) == {"attention/a", "attention/b"}
    fields = one["attention/a"][1]
    assert r"\(\mathbb{E}_{y \sim \pi}[r_\theta] - \beta \pi_{ref}\)" in fields  # math intact for MathJax
    assert "<code>a_b</code>" in fields and "$5 and $6" in fields and "答案" in fields  # --lang both

    env["LLMPREP_BANK"] = str(bank("A changed answer."))
    assert run_cli("export", "anki", str(tmp_path / "two.apkg"), env=env).returncode == 0
    two = _notes(tmp_path / "two.apkg", tmp_path / "x2")
    assert {k: g for k, (g, _) in one.items()} == {k: g for k, (g, _) in two.items()}  # same notes: Anki updates
    assert "A changed answer." in two["attention/a"][1] and "A changed answer." not in one["attention/a"][1]


def test_anki_needs_an_apkg_name_and_a_known_set(tmp_path):
    bad_name = run_cli("export", "anki", str(tmp_path / "deck.zip"))
    assert bad_name.returncode == 2 and "deck.apkg" in bad_name.stderr
    bad_set = run_cli("export", "anki", str(tmp_path / "d.apkg"), "--set", "nope")
    assert bad_set.returncode == 2 and "unknown set 'nope'" in bad_set.stderr
    assert not (tmp_path / "d.apkg").exists()


def test_markdown_sheets_per_set_keep_math(tmp_path, bank):
    env = {"LLMPREP_BANK": str(bank(MATH_ANSWER)), "LLMPREP_HOME": str(tmp_path / "home")}
    result = run_cli("export", "markdown", str(tmp_path / "sheets"), "--set", "extended", env=env)
    assert result.returncode == 0, result.stderr
    text = (tmp_path / "sheets" / "extended.md").read_text(encoding="utf-8")
    assert MATH_ANSWER in text and "### attention/a" in text and "### attention/b" in text

"""An Anki deck (.apkg) of the bank: one note per question, its GUID derived from the question id,
so importing a later export updates the notes instead of duplicating them. Math goes to Anki's
MathJax as \\(...\\) and \\[...\\]; Markdown becomes HTML."""

from __future__ import annotations

import re
import zlib
from pathlib import Path

from llmprep.bank.schema import Question
from llmprep.export.fields import back, front
from llmprep.render import MATH_RE

MODEL_ID = 1_707_392_113  # fixed forever: Anki matches note types by id
# Code first (left alone), then math as the terminal reads it.
_SPANS = re.compile(r"(?P<code>^[ \t]*```.*?^[ \t]*```[ \t]*$|`[^`\n]+`)|" + MATH_RE, re.MULTILINE | re.DOTALL)


def deck_id(name: str) -> int:
    """A stable deck id per deck name (Anki wants 1..2^63; ids of a few billions are customary)."""
    return 1_000_000_000 + zlib.crc32(name.encode("utf-8"))


def html(markdown: str) -> str:
    """Markdown -> HTML with math kept verbatim for MathJax (Markdown would eat `\\` and `_`)."""
    import html as html_lib

    from markdown_it import MarkdownIt

    kept: list[str] = []

    def protect(m: re.Match) -> str:
        if m["code"] is not None:
            return m["code"]
        kept.append(r"\[" + m["display"] + r"\]" if m["display"] is not None else r"\(" + m["math"] + r"\)")
        return f"\ue000{len(kept) - 1}\ue001"

    rendered = MarkdownIt("commonmark").enable("table").render(_SPANS.sub(protect, markdown))
    return re.sub("\ue000(\\d+)\ue001", lambda m: html_lib.escape(kept[int(m.group(1))], quote=False), rendered)


def _model():
    import genanki

    return genanki.Model(
        MODEL_ID,
        "llmprep question",
        fields=[{"name": "Id"}, {"name": "Front"}, {"name": "Back"}],
        templates=[
            {
                "name": "Card 1",
                "qfmt": "{{Front}}",
                "afmt": "{{FrontSide}}<hr id=answer>{{Back}}<div style='color:#888;font-size:small'>{{Id}}</div>",
            }
        ],
        css=".card { font-family: sans-serif; font-size: 18px; text-align: left; }",
    )


def write_deck(questions: list[Question], path: Path, *, deck_name: str, lang: str) -> int:
    """Write the deck to `path`; returns the number of notes."""
    import genanki

    model = _model()
    deck = genanki.Deck(deck_id(deck_name), deck_name)
    for q in questions:
        deck.add_note(
            genanki.Note(
                model=model,
                fields=[q.id, html(front(q, lang)), html(back(q, lang))],
                guid=genanki.guid_for("llmprep", q.id),
                tags=[q.topic, q.type, q.difficulty],
            )
        )
    genanki.Package(deck).write_to_file(str(path))
    return len(questions)

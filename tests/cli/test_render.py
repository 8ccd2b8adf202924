"""The light Markdown renderer used for prompts and answers without block syntax."""

from rich.console import Console

from llmprep.render import markdown


def plain(renderable) -> str:
    console = Console(width=200, record=True, color_system=None)
    console.print(renderable)
    return console.export_text().rstrip("\n")


def test_soft_breaks_join_with_a_space_in_english_and_none_in_chinese():
    assert plain(markdown("first line\nsecond `code` and **bold**\n\nnew paragraph")) == \
        "first line second code and bold\n\nnew paragraph"
    assert plain(markdown("第一行，\n第二行。\nThen English")) == "第一行，第二行。 Then English"


def test_block_markdown_goes_to_rich():
    assert type(markdown("```python\nx = 1\n```")).__name__ == "Markdown"
    assert type(markdown("- a list item")).__name__ == "Markdown"

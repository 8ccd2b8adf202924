"""Exports of the bank for study elsewhere: an Anki deck, printable Markdown sheets."""

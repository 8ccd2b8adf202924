"""llmprep: a command-line tutor for LLM interviews."""

__version__ = "0.1.0"

import pytest


@pytest.fixture(autouse=True)
def llmprep_home(tmp_path_factory, monkeypatch):
    """Every test gets its own progress store and cache, never the learner's real one."""
    home = tmp_path_factory.mktemp("llmprep-home")
    monkeypatch.setenv("LLMPREP_HOME", str(home))
    monkeypatch.delenv("LLMPREP_LANG", raising=False)
    monkeypatch.delenv("LLMPREP_BANK", raising=False)
    return home

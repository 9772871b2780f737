"""The docs name every command and every setting."""

from pathlib import Path

from dragoman.cli import app
from dragoman.settings import SETTINGS

DOCS = Path(__file__).resolve().parents[1] / "docs"


def test_every_command_is_documented():
    text = (DOCS / "commands.md").read_text(encoding="utf-8")
    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    assert names
    for name in names:
        assert f"`dragoman {name}" in text, f"command {name!r} is not in docs/commands.md"


def test_every_setting_is_documented():
    text = (DOCS / "commands.md").read_text(encoding="utf-8")
    for s in SETTINGS:
        assert f"`{s.name}`" in text, f"setting {s.name!r} is not in docs/commands.md"

import pytest

from dragoman.errors import ConfigError
from dragoman.settings import Settings


def test_defaults():
    assert Settings().story_window_days == 7


def test_layers_file_env_cli(tmp_path, monkeypatch):
    (tmp_path / "settings.yaml").write_text("story_threshold: 0.5\nfetch_delay: 3\n")
    monkeypatch.setenv("DRAGOMAN_FETCH_DELAY", "2.5")
    s = Settings.load(tmp_path, overrides={"overview_size": 6})
    assert s.story_threshold == 0.5
    assert s.fetch_delay == 2.5
    assert s.overview_size == 6
    assert s.home == str(tmp_path)


def test_home_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DRAGOMAN_HOME", str(tmp_path))
    assert Settings.load().home == str(tmp_path)


def test_unknown_setting_is_named(tmp_path):
    (tmp_path / "settings.yaml").write_text("story_treshold: 0.5\n")
    with pytest.raises(ConfigError, match="story_treshold"):
        Settings.load(tmp_path)


def test_bad_number_is_named():
    with pytest.raises(ConfigError, match="fetch_delay must be a number"):
        Settings({"fetch_delay": "soon"})

"""config.yaml: defaults, paths resolved, every problem reported at once with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from digest.config import load_config
from digest.errors import BuildFailed


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, "utf-8")
    return path


def test_missing_default_config_gives_defaults(tmp_path: Path) -> None:
    config = load_config(tmp_path / "config.yaml")
    assert config.title == "Digest" and config.per_page == 20
    assert config.content_dir == (tmp_path / "content").resolve()
    assert config.base_path == "/"


def test_values_and_base_path(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "title: News\nbase_url: https://x.org/news\n"))
    assert config.title == "News"
    assert config.base_url == "https://x.org/news/" and config.base_path == "/news/"
    assert len(config.digest) == 64


def test_all_problems_reported_together_with_lines(tmp_path: Path) -> None:
    path = write(tmp_path, "title: ok\nper_pge: 3\nfeed_size: many\nbase_url: ftp://x\n")
    with pytest.raises(BuildFailed) as caught:
        load_config(path)
    found = {(p.line, p.message) for p in caught.value.problems}
    assert (2, "unknown config key `per_pge`") in found
    assert any(line == 3 and "feed_size" in msg for line, msg in found)
    assert any(line == 4 and "base_url" in msg for line, msg in found)
    hints = {p.line: p.hint for p in caught.value.problems}
    assert hints[2] == "did you mean `per_page`?"


def test_invalid_yaml_names_its_line(tmp_path: Path) -> None:
    with pytest.raises(BuildFailed) as caught:
        load_config(write(tmp_path, "title: ok\nper_page: [1\n"))
    (problem,) = caught.value.problems
    assert problem.line == 3 and "invalid YAML" in problem.message


def test_config_must_be_a_mapping(tmp_path: Path) -> None:
    with pytest.raises(BuildFailed) as caught:
        load_config(write(tmp_path, "- a\n- b\n"))
    assert "mapping" in caught.value.problems[0].message

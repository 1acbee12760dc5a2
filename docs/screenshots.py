#!/usr/bin/env python3
"""Take the README's screenshots of the example site with Debian's headless Chromium.

Usage: python docs/screenshots.py   (builds the example site into a temp dir first)
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from digest.config import load_config  # noqa: E402
from digest.pipeline import BuildOptions, build  # noqa: E402

SHOTS = [
    ("home-desktop.png", "index.html", 1280, 1000),
    ("home-phone.png", "index.html", 360, 1400),
    ("article-desktop.png", "ARTICLE", 1280, 1400),
    ("article-phone.png", "ARTICLE", 360, 1800),
]
ARTICLE_SLUG = "ukrainians-and-north-koreans-clash-in-russia-could-nato-get-involved"


def shoot(url: str, out: Path, width: int, height: int) -> None:
    """One screenshot of a file:// URL at the given window size."""
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--hide-scrollbars",
                "--disable-background-networking",
                "--disable-component-update",
                "--no-first-run",
                "--disable-sync",
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                f"--screenshot={out}",
                url,
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )


def main() -> int:
    """Build the example site with file:// links and screenshot two pages at two widths."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "public"
        config = load_config(ROOT / "config.yaml").with_base_url(out.as_uri() + "/")
        build(config, BuildOptions(out_dir=out))
        article = next(out.rglob(f"{ARTICLE_SLUG}/index.html")).relative_to(out).as_posix()
        for name, page, width, height in SHOTS:
            target = out / (article if page == "ARTICLE" else page)
            shoot(target.as_uri(), ROOT / "docs" / name, width, height)
            print(f"docs/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

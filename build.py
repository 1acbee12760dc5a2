#!/usr/bin/env python3
"""Build the digest site: a thin wrapper around `digest.cli` so it runs from a checkout."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from digest.cli import run

if __name__ == "__main__":
    run()

"""The wheel carries the pages' browser assets: fetched from npm (integrity-checked) by
scripts/vendor.py when the package is built, never committed. Everything else is declared in
pyproject.toml."""

import subprocess
import sys
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithAssets(build_py):
    def run(self) -> None:
        vendor = Path(__file__).resolve().parent / "scripts" / "vendor.py"
        subprocess.run([sys.executable, str(vendor)], check=True)  # idempotent (its stamp)
        super().run()


setup(cmdclass={"build_py": BuildWithAssets})

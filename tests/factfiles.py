"""Helpers to make broken copies of the shipped data for error tests."""

from __future__ import annotations

import shutil
from pathlib import Path

from kaltim_kg.config import resource_dir

DATA_FILE = "2021-02-03-ekspor-ukm-kaltim.yaml"


def copy_data(target: Path) -> Path:
    """Copy the shipped data folder; return the path of the YAML file in the copy."""
    shutil.copytree(resource_dir("data"), target)
    return target / DATA_FILE


def line_of(path: Path, needle: str) -> int:
    """1-based number of the first line containing `needle`."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def replace_once(path: Path, old: str, new: str) -> int:
    """Replace the first occurrence of `old` and return the line it was on."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    line = line_of(path, old.splitlines()[0])
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return line

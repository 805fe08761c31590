"""The README's example queries give the answers it prints, and its commands exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from kaltim_kg.cli import main
from kaltim_kg.query.local import run_local_query

README = Path(__file__).resolve().parent.parent / "README.md"
EXAMPLE = re.compile(r"```sparql\n(?P<query>.*?)\n```\s*```text\n(?P<answer>.*?)```", re.DOTALL)


def examples() -> list[tuple[str, str]]:
    return [(m["query"], m["answer"]) for m in EXAMPLE.finditer(README.read_text(encoding="utf-8"))]


def test_readme_has_at_least_five_examples():
    assert len(examples()) >= 5


@pytest.mark.parametrize(("query", "answer"), examples())
def test_example_query_gives_the_printed_answer(settings, query, answer):
    assert run_local_query(settings, query, "table") == answer


def test_readme_states_the_two_commands():
    text = README.read_text(encoding="utf-8")
    assert "pip install . && kaltim-kg serve" in text
    assert "pip install '.[test]' && pytest" in text


def test_every_cli_command_is_documented():
    text = README.read_text(encoding="utf-8")
    for name in main.commands:
        assert f"kaltim-kg {name}" in text, name

"""Safe YAML loading that remembers the line of every mapping, for `file:line` errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from kaltim_kg.errors import FactsError


class LineDict(dict[str, Any]):
    """A mapping that knows the 1-based line it starts on and the line of each key."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


class _LineLoader(yaml.SafeLoader):
    """SafeLoader whose mappings are LineDicts and which rejects duplicate keys."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> LineDict:  # type: ignore[override]
        mapping = LineDict()
        mapping.line = node.start_mark.line + 1
        mapping.key_lines = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            if not isinstance(key, str):
                raise FactsError(
                    self.name, key_node.start_mark.line + 1, f"key {key!r} is not text"
                )
            if key in mapping:
                raise FactsError(
                    self.name, key_node.start_mark.line + 1, f"duplicate key {key!r} in mapping"
                )
            mapping[key] = self.construct_object(value_node, deep=deep)
            mapping.key_lines[key] = key_node.start_mark.line + 1
        return mapping


_LineLoader.add_constructor(
    yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG,
    lambda loader, node: loader.construct_mapping(node, deep=True),
)


def load_yaml(path: Path) -> Any:
    """Parse one YAML file; syntax errors become FactsError with the offending line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FactsError(path, None, f"cannot read file: {exc}") from exc
    loader = _LineLoader(text)
    loader.name = str(path)
    try:
        return loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        raise FactsError(path, line, f"malformed YAML: {exc.problem or exc.context}") from exc
    except yaml.YAMLError as exc:
        raise FactsError(path, None, f"malformed YAML: {exc}") from exc
    finally:
        loader.dispose()

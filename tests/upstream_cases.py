"""Loading upstream conformance cases (tests/data/upstream/recipes, see its INDEX.md)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

RECIPES = Path(__file__).parent / "data" / "upstream" / "recipes"


def snapshot_body(text: str) -> str:
    """An insta snapshot without its front matter (up to the second ``---`` line)."""
    lines = text.split("\n")
    seen = 0
    for i, line in enumerate(lines):
        if line == "---":
            seen += 1
            if seen == 2:
                return "\n".join(lines[i + 1 :])
    return text


def strip_empty(value: Any) -> Any:
    """Remove null, [] and {} recursively (upstream's ``conda_outputs_snapshot``)."""
    if isinstance(value, dict):
        out = {k: strip_empty(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v not in (None, [], {})}
    if isinstance(value, list):
        return [strip_empty(v) for v in value]
    return value


@dataclass
class Case:
    directory: Path
    meta: dict[str, Any]

    @property
    def id(self) -> str:
        return self.meta["id"]

    @property
    def expected_text(self) -> str:
        return (self.directory / self.meta["expected"]).read_text()

    def expected(self) -> Any:
        """The expectation parsed according to ``expected_format``."""
        fmt = self.meta.get("expected_format", "")
        text = self.expected_text
        if fmt.startswith("insta"):
            body = snapshot_body(text)
            return json.loads(body) if fmt == "insta-json" or body.lstrip().startswith(("{", "[")) else yaml.safe_load(body)
        if fmt.startswith("yaml"):
            return yaml.safe_load(text)
        return text

    def input(self, name: str) -> Path:
        return self.directory / "input" / name

    def json_input(self, name: str) -> Any:
        path = self.input(name)
        return json.loads(path.read_text()) if path.exists() else None


def cases(generation: str, backend: str) -> list[Case]:
    root = RECIPES / generation / backend
    found = []
    for case_yaml in sorted(root.glob("*/case.yaml")):
        found.append(Case(case_yaml.parent, yaml.safe_load(case_yaml.read_text())))
    return found


def assertions(generation: str, backend: str) -> list[dict[str, Any]]:
    return yaml.safe_load((RECIPES / generation / "assertions" / f"{backend}.yaml").read_text())

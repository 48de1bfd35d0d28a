"""Recipe debug files (spec §8): what was handed to rattler-build, for people to read.

``<work>/debug/recipe.yaml`` and ``variants.yaml`` hold the whole recipe and
variant configuration; ``<work>/debug/recipe/<variant hash>/`` the same for each
rendered output with its used variant.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path
from typing import Any, Iterable

from kiln.backend import yaml


def write_recipe_files(directory: Path, recipe_text: str, variants: dict[str, Any]) -> Path:
    """``recipe.yaml`` + ``variants.yaml`` in ``directory``, each written atomically."""
    directory.mkdir(parents=True, exist_ok=True)
    recipe = directory / "recipe.yaml"
    for path, text in ((recipe, recipe_text), (directory / "variants.yaml", yaml.dump(variants))):
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, path)
    return recipe


def write_debug_recipes(work_dir: Path, recipe_text: str, variants: dict[str, Any], used: Iterable[dict[str, Any]]) -> None:
    debug = work_dir / "debug"
    write_recipe_files(debug, recipe_text, variants)
    for variant in used:
        key = hashlib.sha1(json.dumps(variant, sort_keys=True, default=str).encode()).hexdigest()[:10]
        write_recipe_files(debug / "recipe" / key, recipe_text, {k: [v] for k, v in variant.items()})

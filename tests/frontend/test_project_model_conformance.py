"""Every upstream project-model case: the JSON kiln encodes equals the JSON pixi sends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from kiln.frontend.manifest.package import load_package_manifest
from kiln.protocol.types import encode
from tests.conftest import PROJECTS, UPSTREAM
from tests.upstream_cases import snapshot_body

CASES = UPSTREAM / "recipes" / "project-model"
PROTOCOL = UPSTREAM / "protocol"


def insta_value(snapshot: Path) -> str:
    return snapshot_body(snapshot.read_text(encoding="utf-8"))


def encoded_model(manifest: Path) -> dict:
    package = load_package_manifest(manifest)
    assert package is not None
    return json.loads(encode(package.project_model))


@pytest.mark.parametrize("case", sorted(p.name for p in CASES.iterdir() if p.is_dir()))
def test_upstream_case(case: str) -> None:
    expected = json.loads(insta_value(next((CASES / case / "expected").glob("*.snap"))))
    assert encoded_model(CASES / case / "input" / "pixi.toml") == expected


@pytest.mark.parametrize(
    "fixture", sorted(p.relative_to(PROTOCOL).as_posix() for p in PROTOCOL.glob("pixi-2026-08*/project_model__*.json"))
)
def test_protocol_fixture(fixture: str) -> None:
    """The protocol fixtures are the same conversions; their manifests are the project-model cases."""
    case = Path(fixture).stem.removeprefix("project_model__")
    expected = json.loads((PROTOCOL / fixture).read_text(encoding="utf-8"))
    assert encoded_model(CASES / case / "input" / "pixi.toml") == expected


def test_discovery_simple_fixture() -> None:
    """pixi's discovery of its `simple` test package: backend name, channels and project model."""
    expected = yaml.safe_load((PROTOCOL / "pixi-2026-08" / "discovery__simple.yaml").read_text(encoding="utf-8"))
    package = load_package_manifest(PROJECTS / "manifests" / "discovery-simple")
    assert package is not None
    assert json.loads(encode(package.project_model)) == expected["init-params"]["project-model"]
    spec = expected["backend-spec"]
    assert package.backend_name == spec["name"]
    assert package.backend.version == spec["command"]["requirement"][1]["version"]
    assert package.backend.channels == spec["command"]["channels"]
    assert package.configuration is expected["init-params"]["configuration"] is None
    assert package.target_configuration is expected["init-params"]["target-configuration"] is None
    assert package.workspace.root == package.manifest_path.parent


def test_full_package() -> None:
    """Every [package] feature at once: pins, run-exports, if() and legacy targets, sources, inheritance."""
    case = PROJECTS / "manifests" / "full-package"
    expected = json.loads((case / "expected_project_model.json").read_text(encoding="utf-8"))
    assert encoded_model(case) == expected

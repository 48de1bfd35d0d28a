"""The metadata fields ``[workspace]`` and ``[package]`` share: license, files, URLs, version, pyproject defaults."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from packaging.licenses import InvalidLicenseExpression, canonicalize_license_expression

from kiln.conda.urls import about_url
from kiln.conda.versions import is_valid_version
from kiln.frontend.manifest.manifest_files import ManifestFile
from kiln.frontend.manifest.toml_source import Table


def spdx_license(table: Table, key: str) -> str | None:
    """A license field, validated as an SPDX expression (kept as written)."""
    value = table.string(key)
    if value is not None:
        try:
            canonicalize_license_expression(value)
        except InvalidLicenseExpression as exc:
            raise table.error(f"'{key}' is not a valid SPDX expression: {exc}", key) from None
    return value


def existing_file(table: Table, key: str, directory: Path) -> Path | None:
    """A path field that must name an existing file; returned absolute."""
    value = table.string(key)
    if value is None:
        return None
    full = Path(os.path.normpath(directory / value))
    if not full.is_file():
        raise table.error(f"'{full}' does not exist", key)
    return full


def url_field(table: Table, key: str) -> str | None:
    """A URL field, written the way pixi prints a parsed URL (``https://x.org`` -> ``https://x.org/``)."""
    value = table.string(key)
    if value is None:
        return None
    parts = urlsplit(value)
    if not parts.scheme or not parts.netloc or " " in value:
        raise table.error(f"`{value}` is not a valid URL", key)
    try:
        return about_url(value)
    except ValueError:
        raise table.error(f"`{value}` is not a valid URL", key) from None


def version_field(table: Table, key: str) -> str | None:
    """A version field, which must be a valid conda version."""
    value = table.string(key)
    if value is not None and not is_valid_version(value):
        raise table.error(f"`{value}` is not a valid version", key)
    return value


def pyproject_project_fields(manifest: ManifestFile) -> dict[str, Any]:
    """Name, version, description and authors from a pyproject.toml's ``[project]`` (or ``[tool.poetry]``)."""
    from packaging.version import InvalidVersion
    from packaging.version import Version as Pep440Version

    root = manifest.doc.table()
    project = root.get("project")
    tool = root.get("tool") or {}
    poetry = tool.get("poetry") if isinstance(tool, dict) else None
    fields: dict[str, Any] = {}
    for source in (poetry, project):  # [project] wins over [tool.poetry]
        if not isinstance(source, dict):
            continue
        if isinstance(source.get("name"), str):
            fields["name"] = source["name"]
        if isinstance(source.get("version"), str):
            try:
                fields["version"] = str(Pep440Version(source["version"]))
            except InvalidVersion:
                pass
        if isinstance(source.get("description"), str):
            fields["description"] = source["description"]
        authors = source.get("authors")
        if isinstance(authors, list):
            fields["authors"] = [_author(a) for a in authors if _author(a)]
    return fields


def _author(contact: Any) -> str | None:
    if isinstance(contact, str):
        return contact
    if isinstance(contact, dict):
        name, email = contact.get("name"), contact.get("email")
        if name and email:
            return f"{name} <{email}>"
        return name or email
    return None

"""Package metadata from package.xml for what the project model leaves empty (spec §7.3)."""

from __future__ import annotations

from kiln.backend.generated import MetadataProvider
from kiln.backends.ros.package_xml import PackageXml

#: Files whose change changes the metadata, before ``extra-input-globs`` and mapping files.
METADATA_GLOBS = ("package.xml", "CMakeLists.txt", "setup.py", "setup.cfg")


def conda_name(distro: str, ros_name: str) -> str:
    """``ros-<distro>-<name>`` with ``_`` written ``-``, RoboStack's naming."""
    return f"ros-{distro}-{ros_name.replace('_', '-')}"


class PackageXmlMetadataProvider(MetadataProvider):
    def __init__(self, package: PackageXml, distro: str) -> None:
        self.package = package
        self.distro = distro

    def name(self) -> str | None:
        return conda_name(self.distro, self.package.name)

    def version(self) -> str | None:
        return self.package.version

    def homepage(self) -> str | None:
        urls = self.package.urls
        found = next((u for u in urls if u.type == "website"), None) or next((u for u in urls if u.type is None), None)
        found = found or (urls[0] if urls else None)
        return found.url if found else None

    def repository(self) -> str | None:
        return next((u.url for u in self.package.urls if u.type == "repository"), None)

    def license(self) -> str | None:
        licenses = self.package.licenses
        if len(licenses) == 1 and "TODO" not in licenses[0]:
            return f"LicenseRef-{licenses[0]}"
        return None

    def summary(self) -> str | None:
        text = self.package.description
        if text is not None and len(text) > 100:
            return text[:97] + "..."
        return text

    def description(self) -> str | None:
        return self.package.description

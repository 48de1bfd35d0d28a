"""A minimal PEP 517 build backend: wheels of a flat package, stamped with this backend's name.

Every wheel it builds carries ``<package>/_built_with.py`` saying which backend made
it -- so a test can see that the backend really came from the host environment.
"""

import base64
import hashlib
import os
import tomllib
import zipfile

NAME_AND_VERSION = "kiln-demo-backend 1.0.0"


def _project():
    with open("pyproject.toml", "rb") as fh:
        project = tomllib.load(fh)["project"]
    return project["name"], project["version"]


def get_requires_for_build_wheel(config_settings=None):
    return []


def _record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    name, version = _project()
    module = name.replace("-", "_")
    dist = f"{module}-{version}"
    files = {}
    for root, _dirs, names in os.walk(module):
        for filename in sorted(names):
            if filename.endswith(".py"):
                path = os.path.join(root, filename)
                with open(path, "rb") as fh:
                    files[path.replace(os.sep, "/")] = fh.read()
    files[f"{module}/_built_with.py"] = f'BACKEND = "{NAME_AND_VERSION}"\n'.encode()
    files[f"{dist}.dist-info/METADATA"] = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n".encode()
    files[f"{dist}.dist-info/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: kiln-demo-backend\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    record = [_record_line(p, d) for p, d in files.items()] + [f"{dist}.dist-info/RECORD,,"]
    files[f"{dist}.dist-info/RECORD"] = ("\n".join(record) + "\n").encode()
    wheel_name = f"{dist}-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, wheel_name), "w") as wheel:
        for path, data in files.items():
            wheel.writestr(path, data)
    return wheel_name

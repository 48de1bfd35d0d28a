"""An in-tree PEP 517 backend that never parses pyproject.toml: a wheel of toml_one_one."""

import base64
import hashlib
import os
import zipfile

NAME, VERSION, MODULE = "toml-one-one", "0.1.0", "toml_one_one"


def get_requires_for_build_wheel(config_settings=None):
    return []


def _record_line(path, data):
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{path},sha256={digest},{len(data)}"


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    dist = f"{MODULE}-{VERSION}"
    files = {}
    for filename in sorted(os.listdir(MODULE)):
        if filename.endswith(".py"):
            with open(os.path.join(MODULE, filename), "rb") as fh:
                files[f"{MODULE}/{filename}"] = fh.read()
    files[f"{dist}.dist-info/METADATA"] = f"Metadata-Version: 2.1\nName: {NAME}\nVersion: {VERSION}\n".encode()
    files[f"{dist}.dist-info/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: toml-one-one\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    record = [_record_line(p, d) for p, d in files.items()] + [f"{dist}.dist-info/RECORD,,"]
    files[f"{dist}.dist-info/RECORD"] = ("\n".join(record) + "\n").encode()
    name = f"{dist}-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w") as wheel:
        for path, data in files.items():
            wheel.writestr(path, data)
    return name

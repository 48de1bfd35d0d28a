"""Activation of a workspace environment as a bash/zsh script (pixi's ``shell-hook``).

The variables pixi sets (``PATH``, ``CONDA_PREFIX``, ``PIXI_*``), then the
packages' ``etc/conda/activate.d/*.sh`` scripts, then the manifest's
``[activation] env`` and ``scripts``, in that order.
"""

from __future__ import annotations

import shlex

from kiln.environment.spec import EnvironmentSpec


def activation_script(spec: EnvironmentSpec) -> str:
    prefix = spec.prefix
    bin_dir = prefix / "bin"
    variables = {
        "CONDA_PREFIX": str(prefix),
        "CONDA_DEFAULT_ENV": f"{spec.workspace.name or spec.root.name}:{spec.name}" if spec.name != "default"
        else (spec.workspace.name or spec.root.name),
        "PIXI_PROJECT_ROOT": str(spec.root),
        "PIXI_PROJECT_NAME": spec.workspace.name or spec.root.name,
        "PIXI_PROJECT_MANIFEST": str(spec.workspace.manifest_path),
        "PIXI_ENVIRONMENT_NAME": spec.name,
        "PIXI_IN_SHELL": "1",
    }  # fmt: skip
    lines = [f"export {k}={shlex.quote(v)}" for k, v in variables.items()]
    lines.append(f'export PATH={shlex.quote(str(bin_dir))}"${{PATH:+:$PATH}}"')
    activate_d = prefix / "etc" / "conda" / "activate.d"
    if activate_d.is_dir():
        for script in sorted(activate_d.glob("*.sh")):
            lines.append(f". {shlex.quote(str(script))}")
    for key, value in spec.activation_env.items():
        # pixi expands `$VAR` in values: double quotes do the same here
        lines.append(f'export {key}="{_double_quoted(value)}"')
    for script in spec.activation_scripts:
        lines.append(f". {shlex.quote(str(script))}")
    return "\n".join(lines) + "\n"


def _double_quoted(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("`", "\\`")

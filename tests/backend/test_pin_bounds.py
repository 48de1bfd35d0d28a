"""Pin bounds: kiln's ranges are the ones rattler-build itself writes into a built package.

For each version one multi-output recipe is really built by py-rattler-build: ``app``
pins its sibling ``liba`` (``pin_subpackage``) and its host dependency ``dep``
(``pin_compatible``, from a local channel) with the same bounds, both at that version.
The ``depends`` of the built ``app`` are the reference; kiln's ``conda/outputs``
conversion of the same recipe, and its pin computation, must agree with them.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from kiln.backend.outputs import render_recipe, to_conda_output
from kiln.backend.variants import build_variant_config
from kiln.conda.pins import pin_range
from kiln.protocol import types as t
from tests.helpers import make_channel

pytestmark = pytest.mark.build

VERSIONS = ["1.2rc1", "1.2.3", "2024.1", "1.2.post1", "0.1.dev0", "3", "1!2.3.4"]
#: (lower_bound, upper_bound); None is passed as ``None`` (no bound).
BOUNDS = [("x.x.x.x.x.x", "x"), (None, "x.x"), ("x.x", "x.x.x"), ("x", None), ("1.0", "x.x"), (None, "2.0"),
          ("x.x.x", "x.x.x.x")]  # fmt: skip

_BUILD = """
import json, os, sys
from pathlib import Path
from rattler_build import Package, Stage0Recipe, ToolConfiguration, VariantConfig
recipe, out, channel = map(Path, sys.argv[1:4])
results = Stage0Recipe.from_file(recipe).run_build(VariantConfig(), ToolConfiguration(), output_dir=out,
                                                   channels=[str(channel)])
for result in results:
    for archive in result.packages:
        index = Package.from_file(str(archive)).to_dict()
        if index["name"] == "app":
            print(json.dumps(index["depends"]))
sys.stdout.flush(); os._exit(0)
"""


def _arg(value: str | None) -> str:
    return "None" if value is None else f'"{value}"'


def write_recipe(path: Path, version: str) -> Path:
    pins = [f'pin_subpackage("liba", lower_bound={_arg(lo)}, upper_bound={_arg(up)})' for lo, up in BOUNDS]
    pins += [f'pin_compatible("dep", lower_bound={_arg(lo)}, upper_bound={_arg(up)})' for lo, up in BOUNDS]
    run = "".join(f"        - ${{{{ {pin} }}}}\n" for pin in pins)
    path.write_text(
        f'recipe: {{name: pins, version: "{version}"}}\noutputs:\n'
        f'  - package: {{name: liba, version: "{version}"}}\n    build: {{script: [echo liba]}}\n'
        '  - package: {name: app, version: "1.0"}\n    build: {script: [echo app]}\n'
        f"    requirements:\n      host: [dep]\n      run:\n{run}"
    )
    return path


@pytest.fixture(scope="module", params=VERSIONS)
def built(request, tmp_path_factory) -> tuple[str, Path, list[str]]:
    """(version, recipe, ``depends`` of the ``app`` rattler-build built)."""
    version = request.param
    tmp = tmp_path_factory.mktemp("pins")
    channel = make_channel(tmp / "channel", [{"name": "dep", "version": version}])
    recipe = write_recipe(tmp / "recipe.yaml", version)
    done = subprocess.run([sys.executable, "-c", _BUILD, str(recipe), str(tmp / "out"), str(channel)],
                          capture_output=True, text=True)  # fmt: skip
    assert done.returncode == 0, done.stderr
    depends = json.loads(done.stdout)
    assert len(depends) == 2 * len(BOUNDS)
    return version, recipe, depends


def _bound(bound: t.PinBound | t.UnsetType) -> str | None:
    if isinstance(bound, t.UnsetType):
        return None
    return bound.expression or bound.version


def test_pin_ranges_match_what_rattler_build_writes(built):
    version, recipe, depends = built
    expected_liba, expected_dep = depends[: len(BOUNDS)], depends[len(BOUNDS) :]
    assert [f"liba {pin_range(version, lo, up)}" for lo, up in BOUNDS] == expected_liba
    assert [f"dep {pin_range(version, lo, up)}" for lo, up in BOUNDS] == expected_dep


def test_conda_outputs_pins_match_what_rattler_build_writes(built):
    """``pin_subpackage`` is resolved by kiln against the sibling; ``pin_compatible`` is
    handed on with its bounds, which applied to the host version give rattler-build's range."""
    version, recipe, depends = built
    outputs = render_recipe(recipe, build_variant_config(defaults={}, overrides={}), host_platform="linux-64",
                            build_platform="linux-64")  # fmt: skip
    (app,) = [to_conda_output(o, outputs) for o in outputs if o.name == "app"]
    specs = app.run_dependencies.depends
    liba = [f"liba {s.source.version}" for s in specs if s.name == "liba"]
    assert liba == depends[: len(BOUNDS)]
    dep = [s.pin_compatible for s in specs if s.name == "dep"]
    assert [f"dep {pin_range(version, _bound(p.lower_bound), _bound(p.upper_bound))}" for p in dep] == (
        depends[len(BOUNDS) :]
    )


def test_pins_do_not_import_rattler_until_used():
    probe = "import sys, kiln.backend.outputs, kiln.conda.pins; print('rattler' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"

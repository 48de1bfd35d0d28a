"""pixi-build-python test fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyhelpers import make_backend


@pytest.fixture
def backend_factory(tmp_path: Path):
    """``backend_factory(**make_backend kwargs)`` on a fresh project directory."""
    counter = iter(range(1000))

    def factory(**kwargs):
        return make_backend(tmp_path / f"project{next(counter)}", **kwargs)

    return factory

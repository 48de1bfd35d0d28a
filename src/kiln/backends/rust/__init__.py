"""pixi-build-rust: a conda package from a Cargo crate, installed with ``cargo install`` (spec ``backends.md`` §4)."""

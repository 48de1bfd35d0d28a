"""Local conda channels: bootstrapping one from the machine's toolchain, indexing, installing from it."""

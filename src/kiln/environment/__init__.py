"""The workspace environment (pixi's ``pixi install``/``pixi run``): built, solved, locked, activated."""

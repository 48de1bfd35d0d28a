from setuptools import setup

raise SystemExit("failing-build: the build step refuses to run (deliberate test failure)")

setup()

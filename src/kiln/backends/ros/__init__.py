"""pixi-build-ros: conda packages from ROS packages (``package.xml``), RoboStack style."""

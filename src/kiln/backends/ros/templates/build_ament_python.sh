# pixi-build-ros (kiln): install an ament_python package.
set -eo pipefail

export SRC_DIR="@SRC_DIR@"
cd "$SRC_DIR"

if [ -f setup.cfg ] && grep -q "install[-_]scripts" setup.cfg; then
    # scripts go to lib/<ros name>, where ros2 run looks for them
    SHORT_NAME=${PKG_NAME#*ros-@DISTRO@-}
    SHORT_NAME=${SHORT_NAME//-/_}
    $PYTHON setup.py install --force --prefix="$PREFIX" --install-lib="$SP_DIR" \
        --install-scripts="$PREFIX/lib/$SHORT_NAME" \
        --single-version-externally-managed --record="$RATTLER_BUILD_PACKAGE_FILES"
    rm -rf ./*.egg-info build/ 2>/dev/null || true
else
    $PYTHON -m pip install . --no-deps --force-reinstall -vvv
fi

# pixi-build-ros (kiln): configure, build and install a catkin (or plain cmake) package.
set -eo pipefail

export SRC_DIR="@SRC_DIR@"
BINARY_PACKAGE=ON
if [ "$PKG_NAME" == "ros-@DISTRO@-catkin" ]; then
    # the catkin cookie marks the prefix as a workspace; keep its setup scripts
    touch "$PREFIX/.catkin"
    BINARY_PACKAGE=OFF
fi

mkdir -p "@BUILD_DIR@"
cd "@BUILD_DIR@"

export LINK=$CXX
if [[ $CONDA_BUILD_CROSS_COMPILATION == "1" ]]; then
    TOOLS_PREFIX=$BUILD_PREFIX
    OSX_TARGET=11.0
else
    TOOLS_PREFIX=$PREFIX
    OSX_TARGET=10.15
fi
export QT_HOST_PATH=$TOOLS_PREFIX
PYTHON_EXECUTABLE=$TOOLS_PREFIX/bin/python
export ROS_PYTHON_VERSION=$($PYTHON_EXECUTABLE -c "import sys; print('%i.%i' % sys.version_info[:2])")
# SP_DIR may name another Python version than the one in the prefix
SITE_PACKAGES=$(echo "$SP_DIR" | sed -E "s/python[0-9]+\.[0-9]+/python$ROS_PYTHON_VERSION/")

# Boost.system's header-only mode avoids undefined references across C++ versions
export CXXFLAGS="$CXXFLAGS -DBOOST_ERROR_CODE_HEADER_ONLY"
if [[ $target_platform == linux* ]]; then
    export CFLAGS="$CFLAGS -D__STDC_FORMAT_MACROS=1"
    export CXXFLAGS="$CXXFLAGS -D__STDC_FORMAT_MACROS=1"
    # some Qt tooling calls g++ by name
    ln --symbolic --force "$GXX" "$BUILD_PREFIX/bin/g++"
fi

cmake ${CMAKE_ARGS} --compile-no-warning-as-error -G Ninja \
    -DCMAKE_INSTALL_PREFIX=$PREFIX \
    -DCMAKE_PREFIX_PATH=$PREFIX \
    -DCMAKE_BUILD_TYPE=@BUILD_TYPE@ \
    -DCMAKE_INSTALL_LIBDIR=lib \
    -DCMAKE_NO_SYSTEM_FROM_IMPORTED=ON \
    -DCMAKE_FIND_FRAMEWORK=LAST \
    -DCMAKE_AUTOMOC_EXECUTABLE=$CMAKE_AUTOMOC_EXECUTABLE \
    -DBUILD_SHARED_LIBS=ON \
    -DPYTHON_EXECUTABLE=$PYTHON_EXECUTABLE \
    -DPython_EXECUTABLE=$PYTHON_EXECUTABLE \
    -DPython3_EXECUTABLE=$PYTHON_EXECUTABLE \
    -DPython3_FIND_STRATEGY=LOCATION \
    -DPYTHON_INSTALL_DIR=$SITE_PACKAGES \
    -DPKG_CONFIG_EXECUTABLE=$TOOLS_PREFIX/bin/pkg-config \
    -DSETUPTOOLS_DEB_LAYOUT=OFF \
    -DCATKIN_SKIP_TESTING=true \
    -DCATKIN_BUILD_BINARY_PACKAGE=$BINARY_PACKAGE \
    -DCMAKE_OSX_DEPLOYMENT_TARGET=$OSX_TARGET \
    -DCMAKE_POLICY_VERSION_MINIMUM=3.5 \
    $EXTRA_CMAKE_ARGS \
    "$SRC_DIR"

cmake --build . --config @BUILD_TYPE@ --target all
cmake --build . --config @BUILD_TYPE@ --target install

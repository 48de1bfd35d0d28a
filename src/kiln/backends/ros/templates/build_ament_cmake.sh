# pixi-build-ros (kiln): configure, build and install an ament_cmake package.
set -eo pipefail

mkdir -p "@BUILD_DIR@"
cd "@BUILD_DIR@"

# python_qt_bindings' SIP modules are linked with $LINK
export LINK=$CXX
if [[ $CONDA_BUILD_CROSS_COMPILATION == "1" ]]; then TOOLS_PREFIX=$BUILD_PREFIX; else TOOLS_PREFIX=$PREFIX; fi
export QT_HOST_PATH=$TOOLS_PREFIX
# portable <inttypes.h> macros in C++
if [[ $target_platform == linux* ]]; then
    export CFLAGS="$CFLAGS -D__STDC_FORMAT_MACROS=1"
    export CXXFLAGS="$CXXFLAGS -D__STDC_FORMAT_MACROS=1"
fi
export ROS_PYTHON_VERSION=3
export PY_VER=$ROS_PYTHON_VERSION
# ament_cmake_python wants the site-packages dir relative to the install prefix
export PYTHON_INSTALL_DIR=$(realpath --relative-to="$PREFIX" "$SP_DIR")

if [ ! -f build.ninja ]; then
    cmake -G Ninja -S "@SRC_DIR@" \
        -DCMAKE_BUILD_TYPE=@BUILD_TYPE@ \
        -DCMAKE_INSTALL_PREFIX=$PREFIX \
        -DCMAKE_PREFIX_PATH=$PREFIX \
        -DAMENT_PREFIX_PATH=$PREFIX \
        -DCMAKE_INSTALL_LIBDIR=lib \
        -DPYTHON_EXECUTABLE=$TOOLS_PREFIX/bin/python \
        -DPython_EXECUTABLE=$TOOLS_PREFIX/bin/python \
        -DPython3_EXECUTABLE=$TOOLS_PREFIX/bin/python \
        -DPython3_FIND_STRATEGY=LOCATION \
        -DPKG_CONFIG_EXECUTABLE=$TOOLS_PREFIX/bin/pkg-config \
        -DPYTHON_INSTALL_DIR=$PYTHON_INSTALL_DIR \
        -DSETUPTOOLS_DEB_LAYOUT=OFF \
        -DCATKIN_SKIP_TESTING=true \
        -DCMAKE_INSTALL_SYSTEM_RUNTIME_LIBS_SKIP=True \
        -DBUILD_SHARED_LIBS=ON \
        -DBUILD_TESTING=OFF \
        -DCMAKE_IGNORE_PREFIX_PATH="/opt/homebrew;/usr/local/homebrew" \
        -DCMAKE_OSX_DEPLOYMENT_TARGET=11.0 \
        --compile-no-warning-as-error \
        $EXTRA_CMAKE_ARGS
fi
cmake --build . --config @BUILD_TYPE@ --target install

# an incremental build reuses the prefix: list exactly what this build installed
cat install_manifest.txt >>"$RATTLER_BUILD_PACKAGE_FILES"

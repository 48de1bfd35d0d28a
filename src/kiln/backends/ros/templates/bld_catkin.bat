:: pixi-build-ros (kiln): configure, build and install a catkin (or plain cmake) package.
setlocal
set "SRC_DIR=@SRC_DIR@"
set "PYTHONPATH=%LIBRARY_PREFIX%\lib\site-packages;%SP_DIR%"
set CC=cl.exe
set CXX=cl.exe
:: catkin defines ROS_BUILD_SHARED_LIBS in CMake only; other build tools see it through CL
set CL=/DROS_BUILD_SHARED_LIBS=1 /DNOGDI=1

set "BINARY_PACKAGE_ARGS=-DCATKIN_BUILD_BINARY_PACKAGE=1"
if "%PKG_NAME%" == "ros-@DISTRO@-catkin" (
    :: the catkin cookie marks the prefix as a workspace; keep its setup scripts
    type NUL > %LIBRARY_PREFIX%\.catkin
    set BINARY_PACKAGE_ARGS=
)

if exist "@BUILD_DIR@" rd /s /q "@BUILD_DIR@"
mkdir "@BUILD_DIR@"
pushd "@BUILD_DIR@"

cmake -G Ninja --compile-no-warning-as-error ^
    -DCMAKE_INSTALL_PREFIX=%LIBRARY_PREFIX% ^
    -DCMAKE_BUILD_TYPE=@BUILD_TYPE@ ^
    -DCMAKE_INSTALL_SYSTEM_RUNTIME_LIBS_SKIP=ON ^
    -DBUILD_SHARED_LIBS=ON ^
    -DPYTHON_EXECUTABLE=%PYTHON% ^
    -DPython_EXECUTABLE=%PYTHON% ^
    -DPython3_EXECUTABLE=%PYTHON% ^
    -DSETUPTOOLS_DEB_LAYOUT=OFF ^
    -DBoost_USE_STATIC_LIBS=OFF ^
    %BINARY_PACKAGE_ARGS% ^
    -DCATKIN_SKIP_TESTING=true ^
    "%SRC_DIR%"
if errorlevel 1 exit 1
cmake --build . --config @BUILD_TYPE@ --target all
if errorlevel 1 exit 1
cmake --build . --config @BUILD_TYPE@ --target install
if errorlevel 1 exit 1

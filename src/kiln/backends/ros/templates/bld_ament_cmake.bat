:: pixi-build-ros (kiln): configure, build and install an ament_cmake package.
setlocal EnableDelayedExpansion
set "SRC_DIR=@SRC_DIR@"
set "PYTHONPATH=%LIBRARY_PREFIX%\lib\site-packages;%SP_DIR%"
set CC=cl.exe
set CXX=cl.exe

if not exist "@BUILD_DIR@" mkdir "@BUILD_DIR@"
pushd "@BUILD_DIR@"

:: ament_cmake_python wants the site-packages dir relative to the install prefix
FOR /F "tokens=* USEBACKQ" %%i IN (`python -c "import os;print(os.path.relpath(os.environ['SP_DIR'],os.environ['LIBRARY_PREFIX']).replace('\\','/'))"`) DO SET PYTHON_INSTALL_DIR=%%i

cmake -G Ninja ^
    -DCMAKE_INSTALL_PREFIX=%LIBRARY_PREFIX% ^
    -DCMAKE_BUILD_TYPE=@BUILD_TYPE@ ^
    -DCMAKE_INSTALL_SYSTEM_RUNTIME_LIBS_SKIP=True ^
    -DPYTHON_EXECUTABLE=%PYTHON% ^
    -DPython_EXECUTABLE=%PYTHON% ^
    -DPython3_EXECUTABLE=%PYTHON% ^
    -DSETUPTOOLS_DEB_LAYOUT=OFF ^
    -DBUILD_SHARED_LIBS=ON ^
    -DBUILD_TESTING=OFF ^
    -DCMAKE_OBJECT_PATH_MAX=255 ^
    --compile-no-warning-as-error ^
    -DPYTHON_INSTALL_DIR=%PYTHON_INSTALL_DIR% ^
    "%SRC_DIR%"
if errorlevel 1 exit 1
cmake --build . --config @BUILD_TYPE@ --parallel %CPU_COUNT% --target install
if errorlevel 1 exit 1

:: an incremental build reuses the prefix: list exactly what this build installed
type install_manifest.txt >>"%RATTLER_BUILD_PACKAGE_FILES%"
if errorlevel 1 exit 1

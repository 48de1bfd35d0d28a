:: pixi-build-ros (kiln): install an ament_python package.
setlocal
set "SRC_DIR=@SRC_DIR@"
set "PYTHONPATH=%LIBRARY_PREFIX%\lib\site-packages;%SP_DIR%"
pushd "%SRC_DIR%"
set "SHORT_NAME=%PKG_NAME:*ros-@DISTRO@-=%"
set "SHORT_NAME=%SHORT_NAME:-=_%"

:: scripts go to lib\<ros name> when setup.cfg asks for install-scripts, else to bin
set "SCRIPTS_DIR=%LIBRARY_PREFIX%\bin"
findstr install[-_]scripts setup.cfg
if "%errorlevel%" == "0" set "SCRIPTS_DIR=%LIBRARY_PREFIX%\lib\%SHORT_NAME%"
%PYTHON% setup.py install --single-version-externally-managed --record="%RATTLER_BUILD_PACKAGE_FILES%" ^
    --force --prefix=%LIBRARY_PREFIX% --install-lib=%SP_DIR% --install-scripts=%SCRIPTS_DIR%
if errorlevel 1 exit 1

for /d %%d in (*.egg-info) do rmdir /s /q "%%d" 2>nul
if exist build rmdir /s /q build 2>nul

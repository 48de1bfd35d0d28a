from setuptools import Extension, setup

setup(ext_modules=[Extension("fastsum._fastsum", ["src/fastsum/_fastsum.c"])])

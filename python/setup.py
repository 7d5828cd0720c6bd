"""Builds deltacpp._native with CMake from the enclosing source tree (libdelta and the pybind11
extension) and packages it with the pure-Python sources in deltacpp/.

    pip install --no-build-isolation ./python

Needs cmake, a C++20 compiler, pybind11 (Debian: pybind11-dev), xxHash (libxxhash-dev) and libdelta's build
dependencies; no network. DELTACPP_CMAKE_ARGS adds CMake arguments, DELTACPP_BUILD_JOBS sets the
parallelism (default: the CPU count).
"""

import glob
import os
import shlex
import shutil
import subprocess
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = os.path.dirname(os.path.realpath(__file__))
ROOT = os.path.dirname(HERE)


class CMakeExtension(Extension):
    def __init__(self, name):
        super().__init__(name, sources=[])


class CMakeBuild(build_ext):
    def build_extension(self, ext):
        if not os.path.exists(os.path.join(ROOT, "CMakeLists.txt")):
            raise RuntimeError("deltacpp must be built from its source tree (no CMakeLists.txt in %s)" % ROOT)
        build_dir = os.path.abspath(os.path.join(self.build_temp, "cmake"))
        os.makedirs(build_dir, exist_ok=True)
        args = [
            "cmake", "-S", ROOT, "-B", build_dir,
            "-DCMAKE_BUILD_TYPE=Release",
            "-DDELTA_BUILD_TESTS=OFF",
            "-DDELTA_BUILD_BENCHMARKS=OFF",
            "-DDELTA_BUILD_PYTHON=ON",
            "-DPython3_EXECUTABLE=" + sys.executable,
        ]
        if shutil.which("ninja"):
            args += ["-G", "Ninja"]
        args += shlex.split(os.environ.get("DELTACPP_CMAKE_ARGS", ""))
        subprocess.check_call(args)
        jobs = os.environ.get("DELTACPP_BUILD_JOBS", str(os.cpu_count() or 2))
        subprocess.check_call(["cmake", "--build", build_dir, "--target", "deltacpp_native", "-j", jobs])
        built = glob.glob(os.path.join(build_dir, "python", "deltacpp", "_native*.so"))
        if not built:
            raise RuntimeError("the CMake build produced no _native module in %s" % build_dir)
        # A module with unresolved symbols links fine (Python extensions may leave symbols to
        # the interpreter) and fails only at import: load it once here to fail the build instead.
        check = ("import importlib.util as u; s = u.spec_from_file_location('_native', %r); "
                 "u.module_from_spec(s)" % built[0])
        subprocess.check_call([sys.executable, "-c", check])
        dest = self.get_ext_fullpath(ext.name)
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        shutil.copyfile(built[0], dest)


setup(
    packages=["deltacpp"],
    package_data={"deltacpp": ["*.pyi", "py.typed"]},
    ext_modules=[CMakeExtension("deltacpp._native")],
    cmdclass={"build_ext": CMakeBuild},
    zip_safe=False,
)

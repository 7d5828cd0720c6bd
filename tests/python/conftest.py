"""Shared fixtures of the deltacpp Python tests: temporary tables, the shared Delta tables
(skipped when absent) and the deltacpp CLI of the build directory."""

import json
import os
import subprocess

import pytest

HERE = os.path.dirname(os.path.realpath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def shared_tables_dir():
    d = os.environ.get("DELTA_SHARED_TABLES") or os.path.join(ROOT, "..", "shared", "delta-tables")
    return d if os.path.isdir(d) else None


@pytest.fixture
def shared_table():
    base = shared_tables_dir()

    def get(rel):
        if base is None:
            pytest.skip("shared Delta tables absent (../shared/delta-tables)")
        p = os.path.join(base, rel)
        if not os.path.isdir(p):
            pytest.skip("shared table %s absent" % rel)
        return p

    return get


@pytest.fixture
def cli():
    build = os.environ.get("DELTACPP_BUILD_DIR")
    exe = os.path.join(build, "tools", "cli", "deltacpp") if build else None
    if not exe or not os.path.exists(exe):
        pytest.skip("deltacpp CLI not built (set DELTACPP_BUILD_DIR)")

    def run(*args):
        p = subprocess.run([exe] + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert p.returncode == 0, p.stderr
        return p.stdout

    def cat_jsonl(path, *extra):
        return [json.loads(l) for l in run("cat", path, "--format", "jsonl", *extra).splitlines() if l.strip()]

    run.cat_jsonl = cat_jsonl
    return run

#!/usr/bin/env bash
# Runs the deltacpp Python package tests against the extension of a build directory:
#   tests/python/run.sh BUILD_DIR
# Builds the extension (and the CLI the round-trip tests compare with) if needed, runs pytest
# with Debian's python3 (which has numpy, pandas and pytest from apt), then checks that the other
# python3 on PATH, if there is one, imports the same module. Needs no service.
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD_DIR=${1:-build}
BUILD_DIR=$(cd "$BUILD_DIR" && pwd)
PY=/usr/bin/python3
[ -x "$PY" ] || PY=$(command -v python3)

if [ ! -d "$BUILD_DIR/python" ]; then
  echo "tests/python: $BUILD_DIR was configured without the Python package (DELTA_BUILD_PYTHON=OFF?)" >&2
  exit 1
fi
cmake --build "$BUILD_DIR" --target deltacpp_native deltacpp -- -j2 >/dev/null

export PYTHONPATH="$BUILD_DIR/python"
export DELTACPP_BUILD_DIR="$BUILD_DIR"
"$PY" -m pytest -q -p no:cacheprovider tests/python

# The other interpreter (e.g. a pyenv python3 first on PATH) loads the same module; apt's numpy
# and pandas come from Debian's dist-packages.
OTHER=$(command -v python3 || true)
if [ -n "$OTHER" ] && [ "$(readlink -f "$OTHER")" != "$(readlink -f "$PY")" ]; then
  PYTHONPATH="$BUILD_DIR/python:/usr/lib/python3/dist-packages" "$OTHER" - <<'PYEOF'
import os, sys, tempfile
import pandas as pd
from deltacpp import DeltaTable, write_deltalake
d = tempfile.mkdtemp()
write_deltalake(os.path.join(d, "t"), pd.DataFrame({"as_int": [1, 2, 3]}))
df = DeltaTable(os.path.join(d, "t")).to_pandas()
assert df.query("as_int % 2 == 1")["as_int"].tolist() == [1, 3], df
print("tests/python: %s %s imports deltacpp and round-trips a table" % (sys.executable, sys.version.split()[0]))
PYEOF
fi

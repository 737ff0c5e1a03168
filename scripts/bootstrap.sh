# Sourced by run.sh and test.sh: create or update the project environment in .venv.
# Needs only a Python >= 3.11 interpreter (PYTHON, default python3) and a POSIX shell.
PY=${PYTHON:-python3}
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
    echo "warday needs Python >= 3.11; set PYTHON=/path/to/python3.11" >&2
    exit 1
fi
if [ ! -x .tools/bin/uv ]; then
    "$PY" -m venv .tools
    .tools/bin/python -m pip install --quiet --disable-pip-version-check "uv==0.13.8"
fi
UV_PYTHON_DOWNLOADS=never .tools/bin/uv sync --frozen --quiet --python "$(command -v "$PY")"

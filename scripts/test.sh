#!/bin/sh
# Set up (or update) the environment, then run the whole test suite.
set -eu
cd "$(dirname "$0")/.."
. scripts/bootstrap.sh
exec .venv/bin/python -m pytest "$@"

#!/bin/sh
# Set up (or update) the environment, then run the nightly DAG once through Airflow.
set -eu
cd "$(dirname "$0")/.."
. scripts/bootstrap.sh
exec .venv/bin/warday nightly "$@"

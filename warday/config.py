"""Airflow's environment when warday starts Airflow itself (nightly, airflow-ui)."""

from __future__ import annotations

import os

from warday import settings


def airflow_env() -> dict[str, str]:
    """Environment for running the shipped DAGs with a project-local Airflow home."""
    home = settings.airflow_home()
    home.mkdir(parents=True, exist_ok=True)
    defaults = {
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
        **settings.AIRFLOW_DEFAULTS,
    }
    # The caller's settings win over the defaults; home and DAG folder are always these.
    env = {k: os.environ.get(k, v) for k, v in defaults.items()}
    env["AIRFLOW_HOME"] = str(home)
    env["AIRFLOW__CORE__DAGS_FOLDER"] = str(settings.dags_folder())
    return env

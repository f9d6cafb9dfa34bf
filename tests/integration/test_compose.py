"""docker-compose.yml, Dockerfile and .env.example checked statically (this machine has no Docker engine).

Expected env names come from the code (``Settings`` fields and the hub registry), never from a
hand-copied list, so a new setting or hub that the deployment does not wire fails here.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
import yaml

from likeness_watch.deploy.env import env_names

SECRET_WORDS = ("PASSWORD", "SECRET", "TOKEN", "FERNET", "ACCESS_KEY", "SECRET_KEY")
INTERPOLATION = re.compile(r"\$\{(?P<name>[A-Za-z_][A-Za-z0-9_]*)(?P<op>:?[-?])?(?P<rest>[^}]*)\}")
ONE_SHOT = "no"


def _is_secret(name: str) -> bool:
    return any(word in name.upper() for word in SECRET_WORDS)


@pytest.fixture(scope="module")
def compose(repo_root: Path) -> dict:
    return yaml.safe_load((repo_root / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def compose_text(repo_root: Path) -> str:
    """The file without comment lines (the header shows the ``${VAR:?...}`` form in prose)."""
    lines = (repo_root / "docker-compose.yml").read_text().splitlines()
    return "\n".join(line for line in lines if not line.lstrip().startswith("#"))


@pytest.fixture(scope="module")
def services(compose: dict) -> dict:
    return compose["services"]


@pytest.fixture(scope="module")
def dockerfile(repo_root: Path) -> str:
    return (repo_root / "Dockerfile").read_text()


@pytest.fixture(scope="module")
def dockerfile_env(dockerfile: str) -> dict[str, str]:
    """ENV keys of the Dockerfile (``ENV A=1 \\`` continuation lines joined)."""
    joined = dockerfile.replace("\\\n", " ")
    env: dict[str, str] = {}
    for line in joined.splitlines():
        if line.startswith("ENV "):
            env.update(dict(pair.split("=", 1) for pair in line[4:].split()))
    return env


@pytest.fixture(scope="module")
def env_example(repo_root: Path) -> dict[str, str]:
    """Keys of .env.example, commented-out examples (``# LW_X=...``) included."""
    entries: dict[str, str] = {}
    for line in (repo_root / ".env.example").read_text().splitlines():
        match = re.match(r"^#?\s*([A-Z][A-Z0-9_]*)=(.*)$", line.strip())
        if match:
            entries.setdefault(match.group(1), match.group(2))
    return entries


CELERY_WORKERS = ("airflow-worker", "airflow-worker-warehouse")
"""The `celery` profile's workers: Airflow's default queue, and the warehouse queue."""


def _option(command: list[str], flag: str) -> str | None:
    """The value of ``flag`` in a worker's command list (``--flag value``), or None."""
    return command[command.index(flag) + 1] if flag in command else None


def _mounts(svc: dict) -> dict[str, str]:
    """A service's volume mounts, container path -> volume."""
    return dict(reversed(mount.split(":")[:2]) for mount in svc.get("volumes", []))


def _airflow_services(services: dict) -> dict:
    return {name: svc for name, svc in services.items() if name.startswith("airflow-")}


def _long_running(services: dict) -> dict:
    return {name: svc for name, svc in services.items() if svc.get("restart") != ONE_SHOT}


def test_every_service_has_an_image_or_a_build(services):
    assert services
    for name, svc in services.items():
        assert svc.get("image") or svc.get("build"), name


def test_long_running_services_have_healthchecks(services):
    for name, svc in _long_running(services).items():
        test = (svc.get("healthcheck") or {}).get("test")
        assert test, f"{name} has no healthcheck"


def test_dependencies_wait_for_health_or_completion(services):
    for name, svc in services.items():
        depends = svc.get("depends_on") or {}
        assert isinstance(depends, dict), f"{name}: depends_on must state conditions"
        for target, spec in depends.items():
            assert target in services, f"{name} depends on unknown {target}"
            one_shot = services[target].get("restart") == ONE_SHOT
            expected = "service_completed_successfully" if one_shot else "service_healthy"
            assert spec.get("condition") == expected, f"{name} -> {target}"


def test_airflow_waits_for_database_store_and_init(services):
    airflow = _airflow_services(services)
    components = {"airflow-apiserver", "airflow-scheduler", "airflow-dag-processor", "airflow-triggerer"}
    assert components <= set(airflow)
    for name, svc in airflow.items():
        if name == "airflow-init":
            continue
        assert {"postgres", "minio-init", "airflow-init"} <= set(svc["depends_on"]), name
    assert services["airflow-scheduler"]["depends_on"]["airflow-apiserver"]["condition"] == "service_healthy"


def test_optional_profiles(services):
    profiles = {profile for svc in services.values() for profile in svc.get("profiles", [])}
    assert {"simulator", "mail", "celery"} <= profiles
    for name, svc in services.items():
        if name.startswith(("airflow-", "postgres", "minio")) and name not in CELERY_WORKERS:
            assert not svc.get("profiles"), f"core service {name} must not hide behind a profile"
    for name in {"redis", *CELERY_WORKERS}:
        assert services[name]["profiles"] == ["celery"], name


def test_local_executor_by_default_and_execution_api_on_the_api_server(services):
    env = services["airflow-scheduler"]["environment"]
    assert env["AIRFLOW__CORE__EXECUTOR"] == "${AIRFLOW_EXECUTOR:-LocalExecutor}"
    assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://airflow-apiserver:8080/execution/"
    assert services["airflow-apiserver"]["command"] == "api-server"


def test_init_job_migrates_creates_admin_pools_and_checks_connections(services):
    init = services["airflow-init"]
    script = "\n".join(init["command"])
    for step in (
        "airflow db migrate",
        "airflow users create",
        "likeness_watch.deploy.pools",
        "airflow pools import",
        "airflow connections get aws_default",
    ):
        assert step in script, step
    assert init["restart"] == ONE_SHOT
    assert "-e" in init["entrypoint"][1], "init must stop at the first failing step"


def test_bucket_job(services):
    job = services["minio-init"]
    assert job["restart"] == ONE_SHOT
    assert "mc mb --ignore-existing" in job["command"][0]
    assert job["depends_on"]["minio"]["condition"] == "service_healthy"


def test_warehouse_state_outbox_and_report_on_named_volumes(compose, services, dockerfile_env):
    named = set(compose["volumes"])
    mounts = dict(reversed(m.split(":")[:2]) for m in services["airflow-scheduler"]["volumes"])
    for setting in ("LW_WAREHOUSE", "LW_STATE", "LW_OUTBOX", "LW_REPORT_DIR", "LW_EVIDENCE_DIR"):
        path = dockerfile_env[setting]
        directory = str(Path(path).parent) if setting in ("LW_WAREHOUSE", "LW_STATE") else path
        assert mounts.get(directory) in named, f"{setting}={path} is not on a named volume"
    assert mounts["/var/lib/likeness-watch/warehouse"] == "warehouse"
    assert mounts["/var/lib/likeness-watch/state"] == "state"  # not swapped with the warehouse


def test_s3_connection_points_at_minio(services):
    env = services["airflow-scheduler"]["environment"]
    conn = env["AIRFLOW_CONN_AWS_DEFAULT"]
    assert '"conn_type": "aws"' in conn
    assert '"endpoint_url": "${S3_ENDPOINT_URL:-http://minio:9000}"' in conn
    assert env["LW_STORE"].startswith("${LW_STORE:-s3://")


def test_ui_published_on_loopback_only(services):
    for name, svc in services.items():
        for port in svc.get("ports", []):
            assert str(port).startswith("127.0.0.1:"), f"{name} publishes {port} beyond loopback"


def test_secrets_only_from_env_file(compose_text, services, dockerfile):
    for match in INTERPOLATION.finditer(compose_text):
        if _is_secret(match.group("name")):
            assert match.group("op") == ":?", f"${{{match.group('name')}}} must be required, no default"
    for name, svc in services.items():
        for key, value in (svc.get("environment") or {}).items():
            if _is_secret(key) and value is not None:
                assert "${" in str(value), f"{name}: {key} is a literal secret"
    for line in dockerfile.replace("\\\n", " ").splitlines():
        if line.startswith(("ENV ", "ARG ")):
            assert not any(_is_secret(word.split("=")[0]) for word in line.split()[1:]), line


def test_required_variables_are_documented_and_blank(compose_text, env_example):
    required = {m.group("name") for m in INTERPOLATION.finditer(compose_text) if m.group("op") == ":?"}
    assert required, "no required secrets found"
    assert required <= set(env_example), f"missing from .env.example: {sorted(required - set(env_example))}"
    for key, value in env_example.items():
        if _is_secret(key) and not key.endswith("_TOKEN"):
            assert value == "", f".env.example ships a value for {key}"


def test_env_file_is_ignored(repo_root):
    assert ".env" in (repo_root / ".gitignore").read_text().split()
    assert ".env" in (repo_root / ".dockerignore").read_text().split()


def test_lw_names_are_names_the_code_reads(services, env_example, dockerfile_env):
    known = set(env_names())
    used = set(env_example) | set(dockerfile_env)
    for svc in services.values():
        used |= set(svc.get("environment") or {})
    unknown = {name for name in used if name.startswith("LW_")} - known
    assert not unknown, f"LW_* names no code reads: {sorted(unknown)}"


def test_every_name_the_code_reads_reaches_the_tasks(services, dockerfile_env, env_example):
    """Tasks run in the scheduler (LocalExecutor) or the Celery workers: each setting must be
    passable to all of them from .env."""
    for name in ("airflow-scheduler", *CELERY_WORKERS):
        provided = set(services[name]["environment"]) | set(dockerfile_env)
        missing = set(env_names()) - provided
        assert not missing, f"not passed to {name}: {sorted(missing)}"
    undocumented = set(env_names()) - set(env_example) - set(dockerfile_env)
    assert not undocumented, f"not documented in .env.example: {sorted(undocumented)}"


def test_dockerfile_extends_the_pinned_airflow_image(repo_root, dockerfile):
    deps = tomllib.loads((repo_root / "pyproject.toml").read_text())["project"]["dependencies"]
    pin = next(dep.split("==")[1] for dep in deps if dep.startswith("apache-airflow=="))
    python = tomllib.loads((repo_root / "pyproject.toml").read_text())["project"]["requires-python"]
    minor = re.search(r"3\.\d+", python).group(0)
    bases = re.findall(r"^FROM\s+(\S+)", dockerfile, flags=re.MULTILINE)
    assert bases == [f"apache/airflow:{pin}-python{minor}"]
    assert '"apache-airflow==${AIRFLOW_VERSION}"' in dockerfile, "pip must not move Airflow"


def test_simulator_profile_serves_on_the_compose_network(services):
    sim = services["simulator"]
    assert sim["entrypoint"] == ["likeness-watch", "simulate"]
    assert sim["command"][:2] == ["--host", "0.0.0.0"]
    assert "/_sim/health" in " ".join(sim["healthcheck"]["test"])


def test_celery_profile_uses_redis_and_the_metadata_db(services):
    env = services["airflow-scheduler"]["environment"]
    assert env["AIRFLOW__CELERY__BROKER_URL"] == "${AIRFLOW_CELERY_BROKER_URL:-redis://redis:6379/0}"
    database = env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"]
    assert env["AIRFLOW__CELERY__RESULT_BACKEND"] == f"db+{database}"  # the existing PostgreSQL
    assert "redis-cli" in services["redis"]["healthcheck"]["test"]
    assert "ports" not in services["redis"], "the broker stays on the compose network"
    for name in CELERY_WORKERS:
        worker = services[name]
        assert worker["command"][:2] == ["celery", "worker"], name
        assert worker["environment"]["AIRFLOW__CORE__EXECUTOR"] == env["AIRFLOW__CORE__EXECUTOR"]
        assert worker["depends_on"]["redis"]["condition"] == "service_healthy", name
        assert worker["depends_on"]["airflow-apiserver"]["condition"] == "service_healthy", name
        node = _option(worker["command"], "--celery-hostname") or "celery@%h"
        ping = " ".join(worker["healthcheck"]["test"])
        assert "inspect ping" in ping and node.replace("%h", "$${HOSTNAME}") in ping, name


def test_celery_executor_without_its_broker_stops_init(services):
    """AIRFLOW_EXECUTOR=CeleryExecutor without the `celery` profile would queue tasks that no
    worker takes: the init job checks the broker first (and waits for it when the profile runs)."""
    init = services["airflow-init"]
    script = "\n".join(init["command"])
    assert "CeleryExecutor" in script and "ensure_connection" in script
    assert init["depends_on"]["redis"] == {"condition": "service_healthy", "required": False}


def test_warehouse_queue_has_one_worker_running_one_task_beside_the_files(services, dockerfile_env):
    """DuckDB lets one process write a file: the warehouse queue's worker is the only consumer,
    runs one task at a time, is never scaled, and is the only worker with the files' volumes
    writable (the crawl workers read the warehouse's likeness priorities, read-only)."""
    from airflow.configuration import conf

    from likeness_watch.orchestration.defaults import WAREHOUSE_QUEUE

    workers = {
        name: svc for name, svc in services.items() if svc.get("command", [])[:2] == ["celery", "worker"]
    }
    assert set(workers) == set(CELERY_WORKERS)
    queues = {name: set(_option(svc["command"], "--queues").split(",")) for name, svc in workers.items()}
    assert [name for name, consumed in queues.items() if WAREHOUSE_QUEUE in consumed] == [
        "airflow-worker-warehouse"
    ]
    assert queues["airflow-worker-warehouse"] == {WAREHOUSE_QUEUE}
    assert queues["airflow-worker"] == {conf.get("operators", "default_queue")}
    warehouse = workers["airflow-worker-warehouse"]
    assert _option(warehouse["command"], "--concurrency") == "1"
    assert warehouse["deploy"]["replicas"] == 1
    assert workers["airflow-worker"]["deploy"]["replicas"] == "${AIRFLOW_WORKERS:-2}"
    # The data folders the image fixes (the DuckDB files' folders, outbox, report, ...), as mounted
    # where LocalExecutor runs tasks: the warehouse worker has each of them, the crawl workers none.
    folders = {
        str(Path(path).parent) if path.endswith(".duckdb") else path
        for name, path in dockerfile_env.items()
        if name.startswith("LW_")
    }
    assert {"/var/lib/likeness-watch/warehouse", "/var/lib/likeness-watch/state"} <= folders
    scheduler_mounts = _mounts(services["airflow-scheduler"])
    assert {path: scheduler_mounts[path] for path in folders} == {
        path: _mounts(warehouse)[path] for path in folders
    }
    crawl_worker = workers["airflow-worker"]
    assert folders & set(_mounts(crawl_worker)) == {"/var/lib/likeness-watch/warehouse"}, (
        "crawl workers mount the warehouse (likeness priorities), and no other data folder"
    )
    assert "warehouse:/var/lib/likeness-watch/warehouse:ro" in crawl_worker["volumes"], "read-only"


def test_the_image_runs_either_executor(dockerfile):
    assert 'ARG LW_EXTRAS="[celery]"' in dockerfile

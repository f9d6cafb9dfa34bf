"""Shared fixtures: isolated settings, a local store, a moto S3 server on 127.0.0.1."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from likeness_watch.settings import Settings
from likeness_watch.store import ObjectStore, open_store

# Airflow reads its config on first import: point it at a throwaway home before any test imports it.
os.environ["AIRFLOW_HOME"] = tempfile.mkdtemp(prefix="lw-airflow-home-")
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__COSMOS__ENABLE_CACHE_DBT_LS"] = "False"
os.environ["AIRFLOW__COSMOS__ENABLE_TELEMETRY"] = "False"
REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test reads the developer's real env, tokens or ./data."""
    for name in ("LW_STORE", "LW_WAREHOUSE", "LW_STATE", "LW_OUTBOX", "CIVITAI_API_TOKEN", "HF_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("LW_PUBLIC_BASE_URL", raising=False)
    monkeypatch.setenv("LW_STORE", str(tmp_path / "lake"))
    monkeypatch.setenv("LW_WAREHOUSE", str(tmp_path / "warehouse.duckdb"))
    monkeypatch.setenv("LW_STATE", str(tmp_path / "state.duckdb"))
    monkeypatch.setenv("LW_OUTBOX", str(tmp_path / "outbox"))
    monkeypatch.setenv("LW_EVIDENCE_DIR", str(tmp_path / "evidence"))


@pytest.fixture
def settings() -> Settings:
    return Settings()


@pytest.fixture
def store(tmp_path: Path) -> ObjectStore:
    return open_store(str(tmp_path / "lake"))


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """A real S3 endpoint on 127.0.0.1 (moto server), shared by the session."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3_env(moto_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Point boto3 at the moto server with dummy credentials; returns the endpoint."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    return moto_endpoint


SIM_SCALE = 0.5
"""Small enough that a first (sweep) crawl takes seconds, large enough for every behaviour."""


@pytest.fixture(scope="session")
def sim_world():
    from hubsim import SimConfig, build_world

    return build_world(SimConfig(seed=7, scale=SIM_SCALE))


@pytest.fixture
def sim(sim_world):
    """A fresh simulator server (no faults) on an ephemeral 127.0.0.1 port."""
    from hubsim import SimServer

    with SimServer(sim_world, host="127.0.0.1", port=0) as server:
        yield server


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """The reliability suite's figures (crash points and outcomes, losses under faults) at the end
    of the run: tests record them with ``record_property("figure", line)``, which also reaches
    this process from pytest-xdist workers (so the hook lives here, in a conftest it loads)."""
    reports = [report for key in ("passed", "failed") for report in terminalreporter.stats.get(key, [])]
    figures = sorted(
        value for report in reports for name, value in report.user_properties if name == "figure"
    )
    if figures:
        terminalreporter.section("reliability figures")
        for line in figures:
            terminalreporter.write_line(line)

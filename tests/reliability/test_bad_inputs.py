"""The bad-input corpus: every row runs the real CLI in a subprocess with one bad setting, option or
file, and must fail closed: a non-zero exit, one or two lines that name the input and say what is
allowed, no traceback, and nothing created, changed or removed in its working directory.

Rows run in a fresh directory holding only what the row needs, with no ``LW_*`` from the
developer's environment (the defaults then point into that directory, so ``./data`` written by
mistake is seen) and the hubs' base URLs on a closed port of 127.0.0.1 (an input wrongly accepted
cannot reach a real hub). They run four at a time.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

CLI = str(Path(sys.executable).with_name("likeness-watch"))
CLOSED = "http://127.0.0.1:9"
"""The discard port: nothing listens, a connection fails at once."""
CRAWL = ["crawl", "--hub", "civitai", "--date", "2025-05-01"]
ALERT = ["alert", "--date", "2025-05-01"]
"""Settings are one object, validated whole by every command: rows about any setting use the
light ``crawl`` (0.7 s to import), a few use ``alert`` too (2.6 s: pandas, scipy)."""


def write(name: str, text: str) -> Callable[[Path], None]:
    def setup(workdir: Path) -> None:
        (workdir / name).parent.mkdir(parents=True, exist_ok=True)
        (workdir / name).write_text(text, encoding="utf-8")

    return setup


@dataclass(frozen=True)
class Row:
    id: str
    args: list[str]
    env: dict[str, str] = field(default_factory=dict)
    says: tuple[str, ...] = ()
    """What the message must contain: the input's name (and value) and what is allowed."""
    setup: Callable[[Path], None] | None = None
    never: tuple[str, ...] = ()
    """What the output must not contain (a secret given in the bad input)."""


def held_lock(hub: str, day: str) -> Callable[[Path], None]:
    """A crawl of (hub, day) running on another machine: its lock, leased for an hour more."""

    def setup(workdir: Path) -> None:
        now = datetime.now(UTC)
        lock = workdir / f"data/lake/locks/hub={hub}/dt={day}/crawl-000000.json"
        lock.parent.mkdir(parents=True)
        held = {
            "host": "worker-7",
            "pid": 4242,
            "acquired_at": f"{now:%Y-%m-%dT%H:%M:%SZ}",
            "expires_at": f"{now + timedelta(hours=1):%Y-%m-%dT%H:%M:%SZ}",
        }
        lock.write_text(json.dumps(held))

    return setup


HF_CRAWL = ["crawl", "--hub", "huggingface", "--date", "2025-05-01"]
ROWS = [
    # settings (pydantic's messages, named by env var)
    Row("rps-not-a-number", CRAWL, {"LW_CIVITAI_RPS": "abc"}, ("LW_CIVITAI_RPS='abc'", "valid number")),
    Row("rps-inf", CRAWL, {"LW_CIVITAI_RPS": "inf"}, ("LW_CIVITAI_RPS='inf'", "finite number")),
    Row("rps-zero", CRAWL, {"LW_CIVITAI_RPS": "0"}, ("LW_CIVITAI_RPS='0'", "greater than 0")),
    Row(
        "page-size-zero", CRAWL, {"LW_CIVITAI_PAGE_SIZE": "0"}, ("LW_CIVITAI_PAGE_SIZE='0'", "greater than 0")
    ),
    Row(
        "timeout-negative",
        ["crawl", "--hub", "huggingface", "--date", "2025-05-01"],
        {"LW_HUGGINGFACE_TIMEOUT_S": "-1"},
        ("LW_HUGGINGFACE_TIMEOUT_S='-1'", "greater than 0"),
    ),
    Row(
        "retries-word",
        CRAWL,
        {"LW_CIVITAI_MAX_RETRIES": "many"},
        ("LW_CIVITAI_MAX_RETRIES='many'", "integer"),
    ),
    Row(
        "sweep-zero",
        CRAWL,
        {"LW_SWEEP_EVERY_DAYS": "0"},
        ("LW_SWEEP_EVERY_DAYS='0'", "greater than or equal to 1"),
    ),
    Row(
        "gap-budget-negative",
        CRAWL,
        {"LW_GAP_PROBE_BUDGET": "-5"},
        ("LW_GAP_PROBE_BUDGET='-5'", "greater than"),
    ),
    Row("store-empty", CRAWL, {"LW_STORE": ""}, ("LW_STORE=''", "at least 1 character")),
    Row("sensitivity-inf", ALERT, {"LW_ALERT_SENSITIVITY": "inf"}, ("LW_ALERT_SENSITIVITY='inf'", "finite")),
    Row("sensitivity-nan", CRAWL, {"LW_ALERT_SENSITIVITY": "nan"}, ("LW_ALERT_SENSITIVITY='nan'", "finite")),
    Row(
        "outbox-is-a-file",
        CRAWL,
        {"LW_OUTBOX": "notes.txt"},
        ("LW_OUTBOX='notes.txt'", "should be a directory"),
        write("notes.txt", "not an outbox\n"),
    ),
    Row(
        "state-is-a-directory",
        ALERT,
        {"LW_STATE": "data"},
        ("LW_STATE='data'", "should be a file"),
        lambda workdir: (workdir / "data").mkdir(),
    ),
    Row(
        "state-is-the-warehouse",
        CRAWL,
        {"LW_STATE": "w.duckdb", "LW_WAREHOUSE": "w.duckdb"},
        ("LW_STATE='w.duckdb'", "not the warehouse"),
    ),
    Row(
        "smtp-port-too-big",
        CRAWL,
        {"LW_SMTP_PORT": "70000"},
        ("LW_SMTP_PORT='70000'", "less than or equal to 65535"),
    ),
    Row("smtp-port-zero", CRAWL, {"LW_SMTP_PORT": "0"}, ("LW_SMTP_PORT='0'", "greater than 0")),
    Row(
        "smtp-to-not-an-address",
        ALERT,
        {"LW_SMTP_HOST": "127.0.0.1", "LW_SMTP_TO": "tns@example.org, <script>"},
        ("LW_SMTP_TO='<script>'", "not a valid email address"),
    ),
    Row(
        "smtp-tls-unknown",
        CRAWL,
        {"LW_SMTP_TLS": "tls"},
        ("LW_SMTP_TLS='tls'", "'starttls', 'ssl' or 'none'"),
    ),
    Row(
        "route-unknown-channel", ALERT, {"LW_ALERT_ROUTES": "pager=*"}, ("bad route 'pager=*'", "channel in")
    ),
    Row(
        "report-dir-is-a-file",
        CRAWL,
        {"LW_REPORT_DIR": "notes.txt"},
        ("LW_REPORT_DIR='notes.txt'", "should be a directory"),
        write("notes.txt", "not a report folder\n"),
    ),
    Row(
        "evidence-dir-is-a-file",
        CRAWL,
        {"LW_EVIDENCE_DIR": "notes.txt"},
        ("LW_EVIDENCE_DIR='notes.txt'", "should be a directory"),
        write("notes.txt", "not an evidence folder\n"),
    ),
    Row(
        "memory-limit-not-a-size",
        CRAWL,
        {"LW_DUCKDB_MEMORY_LIMIT": "lots"},
        ("LW_DUCKDB_MEMORY_LIMIT='lots'", "should match pattern"),
    ),
    Row(
        "utilisation-over-one",
        CRAWL,
        {"LW_CRAWL_UTILISATION": "1.5"},
        ("LW_CRAWL_UTILISATION='1.5'", "less than or equal to 1"),
    ),
    Row(
        "refresh-budget-negative",
        CRAWL,
        {"LW_REFRESH_BUDGET": "-1"},
        ("LW_REFRESH_BUDGET='-1'", "greater than or equal to 0"),
    ),
    Row(
        "overlap-negative",
        CRAWL,
        {"LW_DISCOVERY_OVERLAP": "-1"},
        ("LW_DISCOVERY_OVERLAP='-1'", "greater than or equal to 0"),
    ),
    Row(
        "takedown-deadline-zero",
        CRAWL,
        {"LW_TAKEDOWN_DEADLINE_HOURS": "0"},
        ("LW_TAKEDOWN_DEADLINE_HOURS='0'", "greater than 0"),
    ),
    Row(
        "hf-rps-negative",
        HF_CRAWL,
        {"LW_HUGGINGFACE_RPS": "-2"},
        ("LW_HUGGINGFACE_RPS='-2'", "greater than 0"),
    ),
    Row(
        "hf-page-size-too-big",
        HF_CRAWL,
        {"LW_HUGGINGFACE_PAGE_SIZE": "5000"},
        ("LW_HUGGINGFACE_PAGE_SIZE='5000'", "less than or equal to 1000"),
    ),
    Row(
        "hf-retries-negative",
        HF_CRAWL,
        {"LW_HUGGINGFACE_MAX_RETRIES": "-1"},
        ("LW_HUGGINGFACE_MAX_RETRIES='-1'", "greater than or equal to 0"),
    ),
    Row(
        "civitai-timeout-zero",
        CRAWL,
        {"LW_CIVITAI_TIMEOUT_S": "0"},
        ("LW_CIVITAI_TIMEOUT_S='0'", "greater than 0"),
    ),
    Row(
        "civitai-token-with-a-line-break",
        CRAWL,
        {"LW_CIVITAI_TOKEN": "abc\nTOKENSECRET"},
        ("LW_CIVITAI_TOKEN=***", "no spaces or line breaks"),
        never=("TOKENSECRET",),
    ),
    Row(
        "hf-token-with-a-space",
        HF_CRAWL,
        {"HF_TOKEN": "hf_abc TOKENSECRET"},
        ("LW_HUGGINGFACE_TOKEN=***", "no spaces or line breaks"),
        never=("TOKENSECRET",),
    ),
    Row(
        "slack-url-not-a-url",
        ALERT,
        {"LW_SLACK_WEBHOOK_URL": "hooks.slack.com/services/T0/B0/HOOKSECRET"},
        ("LW_SLACK_WEBHOOK_URL=***", "should be an http(s) URL"),
        never=("HOOKSECRET",),
    ),
    Row(
        "webhook-url-not-http",
        ALERT,
        {"LW_WEBHOOK_URL": "ftp://siem.example.org/hook", "LW_WEBHOOK_SECRET": "s"},
        ("LW_WEBHOOK_URL='ftp://siem.example.org/hook'", "URL scheme should be 'http' or 'https'"),
    ),
    Row(
        "smtp-from-not-an-address",
        ALERT,
        {"LW_SMTP_FROM": "<script>"},
        ("LW_SMTP_FROM='<script>'", "should be an e-mail address"),
    ),
    Row(
        "smtp-user-without-password",
        ALERT,
        {"LW_SMTP_HOST": "127.0.0.1", "LW_SMTP_TO": "tns@example.org", "LW_SMTP_USER": "relay"},
        ("LW_SMTP_USER and LW_SMTP_PASSWORD go together",),
    ),
    Row(
        "webhook-without-secret",
        ALERT,
        {"LW_WEBHOOK_URL": f"{CLOSED}/hook"},
        ("LW_WEBHOOK_SECRET", "always signed"),
    ),
    # CLI options (click's messages, on one line)
    Row(
        "date-in-the-future",
        ["crawl", "--hub", "civitai", "--date", "2999-01-01"],
        {},
        ("'--date'", "2999-01-01 is in the future", "latest day is today"),
    ),  # fmt: skip
    Row(
        "date-not-a-date",
        ["crawl", "--hub", "civitai", "--date", "2025-13-01"],
        {},
        ("'--date'", "'2025-13-01' does not match the format '%Y-%m-%d'"),
    ),  # fmt: skip
    Row(
        "hub-unknown",
        ["crawl", "--hub", "nohub", "--date", "2025-05-01"],
        {},
        ("'--hub'", "'nohub' is not one of 'civitai', 'huggingface'"),
    ),  # fmt: skip
    Row("until-without-date", ["alert", "--until", "2025-05-01"], {}, ("--until needs --date",)),
    Row(
        "until-before-date",
        ["alert", "--date", "2025-05-02", "--until", "2025-05-01"],
        {},
        ("--until 2025-05-01 is before --date 2025-05-02",),
    ),
    Row(
        "base-url-with-two-hubs",
        ["crawl", "--hub", "civitai", "--hub", "huggingface", "--date", "2025-05-01", "--base-url", CLOSED],
        {},
        ("--base-url needs exactly one --hub",),
    ),
    Row(
        "store-s3-without-bucket",
        ["crawl", "--hub", "civitai", "--date", "2025-05-01", "--store", "s3://"],
        {},
        ("invalid S3 URI 's3://'", "s3://bucket[/prefix]"),
    ),
    Row(
        "crawl-while-another-crawl-holds-the-day",
        CRAWL,
        {},
        ("civitai 2025-05-01 is being crawled by worker-7 pid 4242 since", "not crawled"),
        held_lock("civitai", "2025-05-01"),
    ),
    Row("build-force-alone", ["build", "--force"], {}, ("--force only goes with --full-refresh",)),
    Row(
        "build-warehouse-is-a-directory",
        ["build", "--warehouse", "data"],
        {},
        ("'--warehouse'", "'data' is a directory"),
        lambda workdir: (workdir / "data").mkdir(),
    ),
    Row(
        "validate-layer-unknown",
        ["validate", "--layer", "gold"],
        {},
        ("'--layer'", "'gold' is not one of 'raw', 'staging', 'marts'"),
    ),
    Row(
        "validate-candidate-of-raw",
        ["validate", "--layer", "raw", "--candidate"],
        {},
        ("--candidate applies to --layer staging or marts only",),
    ),
    Row(
        "report-from-after-to",
        ["report", "--from", "2025-05-02", "--to", "2025-05-01"],
        {},
        ("--from 2025-05-02 is after --to 2025-05-01",),
    ),
    Row(
        "report-out-is-a-file",
        ["report", "--out", "notes.txt"],
        {},
        ("'--out'", "'notes.txt' is a file"),
        write("notes.txt", "not a folder\n"),
    ),
    Row(
        "alert-outbox-is-a-file",
        ["alert", "--date", "2025-05-01", "--outbox", "notes.txt"],
        {},
        ("'--outbox'", "'notes.txt' is a file"),
        write("notes.txt", "not a folder\n"),
    ),
    Row(
        "simulate-port-out-of-range",
        ["simulate", "--port", "70000"],
        {},
        ("'--port'", "70000 is not in the range 0<=x<=65535"),
    ),
    Row(
        "simulate-unknown-fault",
        ["simulate", "--faults", "teapot"],
        {},
        ("'--faults'", "unknown fault 'teapot'"),
    ),
    Row(
        "simulate-scale-zero",
        ["simulate", "--scale", "0"],
        {},
        ("'--scale'", "not in the range 0.01<=x<=1000"),
    ),
    Row(
        "simulate-replay-missing",
        ["simulate", "--replay", "recorded"],
        {},
        ("'--replay'", "'recorded' does not exist"),
    ),
    Row(
        "simulate-replay-with-a-world-option",
        ["simulate", "--replay", "recorded", "--scale", "2"],
        {},
        ("--replay serves recorded data", "--scale"),
        lambda workdir: (workdir / "recorded").mkdir(),
    ),
    Row("demo-days-zero", ["demo", "--days", "0"], {}, ("'--days'", "0 is not in the range 1<=x<=400")),
    Row(
        "public-base-url-not-http",
        CRAWL,
        {"LW_PUBLIC_BASE_URL": "javascript:alert(1)"},
        ("LW_PUBLIC_BASE_URL='javascript:alert(1)'", "URL scheme should be 'http' or 'https'"),
    ),
    Row(
        "evidence-alert-and-model",
        ["evidence", "--alert", "x", "--hub", "civitai", "--model", "1"],
        {},
        ("give --alert, or --hub and --model, not both",),
    ),
    Row("evidence-unknown-alert", ["evidence", "--alert", "20250501-spike-all-0"], {}, ("unknown alert",)),
    Row("evidence-no-warehouse", ["evidence", "--hub", "civitai", "--model", "1"], {}, ("warehouse not",)),
    # files
    Row(
        "watchlist-unclosed-quote",
        ALERT,
        {"LW_WATCHLIST": "watchlist.csv"},
        ("watchlist watchlist.csv, line 3: unexpected end of data", "double quotes"),
        write("watchlist.csv", 'name,aliases\nTavi Ol,\n"Zoe Quinn,ZQ\nMarisol Quenby,\n'),
    ),
    Row(
        "watchlist-missing-column",
        ALERT,
        {"LW_WATCHLIST": "watchlist.csv"},
        ("watchlist watchlist.csv", "columns name,aliases", "found 'person,aliases'"),
        write("watchlist.csv", "person,aliases\nZoe Quinn,ZQ\n"),
    ),
    Row(
        "warehouse-not-a-duckdb-file",
        ALERT,
        {},
        ("data/warehouse.duckdb", "not a valid DuckDB database file"),
        write("data/warehouse.duckdb", "not a DuckDB file\n" * 100),
    ),
    Row(
        "manifest-cut-short",
        ["validate", "--layer", "raw", "--date", "2025-05-01"],
        {},
        ("raw/hub=civitai/dt=2025-05-01/manifest.json: not a manifest", "partition skipped"),
        write("data/lake/raw/hub=civitai/dt=2025-05-01/manifest.json", '{"hub": "civitai", "dt": '),
    ),
    Row(
        "watchlist-configured-but-missing",
        ALERT,
        {"LW_WATCHLIST": "watchlist.cvs"},
        ("watchlist watchlist.cvs (LW_WATCHLIST) not found",),
    ),
]


def snapshot(root: Path) -> dict[str, str]:
    """Every file and directory under ``root`` with its content hash: what "changed nothing" compares."""
    found = {}
    for path in sorted(root.rglob("*")):
        relative = str(path.relative_to(root))
        found[relative] = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else "dir"
    return found


@dataclass
class Outcome:
    returncode: int
    output: str
    before: dict[str, str]
    after: dict[str, str]


def run_row(row: Row, base: Path) -> Outcome:
    workdir, home = base / "work", base / "home"
    workdir.mkdir()
    home.mkdir()
    if row.setup:
        row.setup(workdir)
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "LW_CIVITAI_BASE_URL": f"{CLOSED}/api/v1",
        "LW_HUGGINGFACE_BASE_URL": CLOSED,
        **row.env,
    }
    before = snapshot(workdir)
    done = subprocess.run(
        [CLI, *row.args], cwd=workdir, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    return Outcome(done.returncode, done.stdout + done.stderr, before, snapshot(workdir))


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Future[Outcome]]]:
    """Every row started at once (four at a time): the table costs the slowest rows, not their sum."""
    pool = ThreadPoolExecutor(max_workers=4)
    futures = {row.id: pool.submit(run_row, row, tmp_path_factory.mktemp(row.id)) for row in ROWS}
    yield futures
    pool.shutdown(cancel_futures=True)


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_bad_input_fails_closed_in_one_or_two_lines(outcomes: dict[str, Future[Outcome]], row: Row):
    outcome = outcomes[row.id].result()
    lines = outcome.output.strip().splitlines()
    assert outcome.returncode != 0, outcome.output
    assert "Traceback" not in outcome.output
    assert 1 <= len(lines) <= 2, outcome.output
    for expected in row.says:
        assert expected in outcome.output, outcome.output
    for secret in row.never:
        assert secret not in outcome.output
    assert outcome.after == outcome.before

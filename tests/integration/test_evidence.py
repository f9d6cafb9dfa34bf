"""Evidence packs from a real lake and a dbt-built warehouse: what a pack holds, that its record
hashes are what the raw files hold, that it reads committed partitions only, that it writes
nothing on bad input, names no secret, and renders a hostile model inert in headless Chromium.

The lake (written with the real ``PartitionWriter``): a Civitai likeness model listed on day 1,
taken down on day 2 and gone (404) on day 3, whose file is re-uploaded on Hugging Face on day 3;
a Civitai model whose name, creator and tags are hostile (markup, ``</style>``, ``javascript:``,
NUL, ESC, a right-to-left override). One dbt build serves the module (about 10 s).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import shutil
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

import duckdb
import pytest
from click.testing import CliRunner

from likeness_watch.alerts import history
from likeness_watch.alerts.model import TAKEDOWN_EVASION, Alert, ModelRef
from likeness_watch.cli import main
from likeness_watch.raw import PartitionWriter, manifest_key, read_manifest
from likeness_watch.raw.manifest import QUARANTINED
from likeness_watch.review.evidence import (
    EvidenceError,
    build_alert_pack,
    build_model_pack,
    render,
    write_pack,
)
from likeness_watch.settings import Settings
from likeness_watch.state_store import StateStore
from likeness_watch.store import open_store
from likeness_watch.warehouse import build_warehouse
from tests.integration.chromium import chromium, needs_chromium
from tests.integration.raw_records import civitai_model, envelope, hf_repo

D1, D2, D3 = (date(2025, 5, day) for day in (1, 2, 3))
SHA_MARA = "5e" * 32
MARA = ("Mara Quell LoRA", ["celebrity", "actress", "woman"])
MIRROR = "mirrorfan/mara-quell-flux"
HOSTILE_NAME = (
    '<script>alert(1)</script></style><img src=x onerror=alert(2)>\x00\x1b[31m\u202eJane Doe LoRA "x" & y'
)
HOSTILE_CREATOR = "javascript:alert(3)"
HOSTILE_TAGS = ["celebrity", "woman", "</style><script>alert(4)</script>", "javascript:alert(5)"]


def fetched(day: date) -> str:
    return f"{day.isoformat()}T00:10:00Z"


def commit(store, hub: str, day: date, envelopes: list[dict], sweep: bool = False) -> None:
    writer = PartitionWriter(store, hub, day, records_per_file=2)
    for item in envelopes:
        writer.add(item)
    writer.commit(mode="sweep" if sweep else "incremental")


def write_lake(root: Path) -> None:
    store = open_store(str(root))
    mara = civitai_model(301, *MARA, SHA_MARA, 100, trained_words=["maraquell"])
    hostile = civitai_model(302, HOSTILE_NAME, HOSTILE_TAGS, "6f" * 32, 9)
    hostile["creator"] = {"username": HOSTILE_CREATOR, "image": None}
    commit(
        store,
        "civitai",
        D1,
        [
            envelope("civitai", 301, mara, fetched_at=fetched(D1)),
            envelope("civitai", 302, hostile, fetched_at=fetched(D1)),
            envelope("civitai", 303, civitai_model(303, "Anime Style", ["anime", "style"], "7a" * 32, 5)),
        ],
        sweep=True,
    )
    taken_down = {**mara, "mode": "TakenDown", "stats": {**mara["stats"], "downloadCount": 180}}
    commit(
        store, "civitai", D2, [envelope("civitai", 301, taken_down, via="refresh", fetched_at=fetched(D2))]
    )
    commit(store, "civitai", D3, [envelope("civitai", 301, None, 404, via="refresh", fetched_at=fetched(D3))])
    mirror = hf_repo(MIRROR, ["lora", "celebrity"], SHA_MARA, 40, "2025-05-03T08:00:00.000Z")
    commit(store, "huggingface", D3, [envelope("huggingface", MIRROR, mirror, fetched_at=fetched(D3))])


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The lake and a warehouse built from it; tests use copies of the lake when they change it."""
    root = tmp_path_factory.mktemp("evidence")
    write_lake(root / "lake")
    build_warehouse(Settings(store=str(root / "lake"), warehouse=root / "warehouse.duckdb"))
    return root


@pytest.fixture
def settings(built: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The built lake and warehouse; a fresh state store and evidence folder per test."""
    monkeypatch.setenv("LW_STORE", str(built / "lake"))
    monkeypatch.setenv("LW_WAREHOUSE", str(built / "warehouse.duckdb"))
    return Settings()


def evasion_alert() -> Alert:
    return Alert(
        kind=TAKEDOWN_EVASION,
        hub="huggingface",
        day=D3,
        severity="high",
        title="Takedown evasion on huggingface: 1 file(s) removed from a hub reappeared",
        observed=1.0,
        expected=0.0,
        top_models=(ModelRef("huggingface", MIRROR, "mara-quell-flux", f"https://huggingface.co/{MIRROR}"),),
        details={"files": [{"sha256": SHA_MARA, "first_hub": "civitai", "first_model_id": "301"}]},
    )


def record_alert(settings: Settings, alert: Alert) -> None:
    with StateStore.of(settings).writer() as con:
        history.record(con, [alert], lambda _: [], datetime(2025, 5, 4, 6, 0))


DECISION_COLUMNS = (
    "decision_id varchar primary key, hub varchar not null, model_id varchar not null, "
    "decision varchar not null, note varchar, decided_by varchar not null, decided_at timestamp not null, "
    "recorded_at timestamp not null, source varchar not null"
)


def add_decisions(settings: Settings, rows: list[tuple[str, str, str, str | None, str]]) -> None:
    """Review decisions as the review command stores them (the table is created when absent)."""
    with StateStore.of(settings).writer() as con:
        con.execute(f"create table if not exists review_decisions ({DECISION_COLUMNS})")
        for number, (hub, model_id, decision, note, at) in enumerate(rows):
            con.execute(
                "insert into review_decisions (decision_id, hub, model_id, decision, note, decided_by, "
                "decided_at, recorded_at, source) values (?, ?, ?, ?, ?, 'ana', ?, ?, 'cli')",
                [f"d{number}", hub, model_id, decision, note, at, at],
            )


def test_model_pack_holds_the_warehouse_facts_by_day(settings: Settings):
    (model,) = build_model_pack(settings, "civitai", "301").models
    assert model["url"] == "https://civitai.com/models/301"
    assert (model["name"], model["creator"], model["target_name"]) == (
        "Mara Quell LoRA",
        "uploader1",
        "Mara Quell",
    )
    assert model["is_likeness"] and model["likeness_reasons"] and 0 < model["likeness_confidence"] <= 1
    assert (model["first_seen"], model["taken_down_on"]) == ("2025-05-01", "2025-05-02")
    assert [(d["day"], d["status"], d["downloads"]) for d in model["daily"]] == [
        ("2025-05-01", "active", 100),
        ("2025-05-02", "taken_down", 180),
        ("2025-05-03", "removed", None),
    ]
    assert [(c["day"], c["previous_status"], c["status"]) for c in model["status_changes"]] == [
        ("2025-05-01", None, "active"),
        ("2025-05-02", "active", "taken_down"),
        ("2025-05-03", "taken_down", "removed"),
    ]
    (file,) = model["files"]
    assert (file["sha256"], file["autov2"]) == (SHA_MARA, SHA_MARA[:10])
    assert file["hashes"] == {
        "SHA256": SHA_MARA.upper(),
        "AutoV2": SHA_MARA[:10].upper(),
    }  # as the hub sent them


def test_record_hashes_equal_an_independent_recomputation_over_the_raw_files(settings: Settings, built: Path):
    (model,) = build_model_pack(settings, "civitai", "301").models
    records = model["raw_records"]
    assert [(r["partition"], r["fetched_at"], r["via"], r["http_status"]) for r in records] == [
        ("raw/hub=civitai/dt=2025-05-01/", fetched(D1), "listing", 200),
        ("raw/hub=civitai/dt=2025-05-02/", fetched(D2), "refresh", 200),
        ("raw/hub=civitai/dt=2025-05-03/", fetched(D3), "refresh", 404),
    ]
    for record in records:
        assert record["file"].startswith(record["partition"])
        stored = (built / "lake" / record["file"]).read_bytes()
        assert hashlib.sha256(stored).hexdigest() == record["file_sha256"]
        lines = gzip.decompress(stored).decode("utf-8").split("\n")
        line = lines[record["line"] - 1]
        assert hashlib.sha256(line.encode("utf-8")).hexdigest() == record["sha256"]
        assert line == record["text"] and json.loads(line)["model_id"] == "301"
    assert model["notes"] == []


def test_the_reupload_on_another_hub_is_listed_with_its_takedown(settings: Settings):
    (model,) = build_model_pack(settings, "civitai", "301").models
    others = [a for a in model["appearances"] if not a["is_this_model"]]
    assert [(a["hub"], a["model_id"], a["url"], a["after_takedown"]) for a in others] == [
        ("huggingface", MIRROR, f"https://huggingface.co/{MIRROR}", True)
    ]
    assert others[0]["earlier_takedown_on"] == "2025-05-02" and others[0]["sha256"] == SHA_MARA


def test_an_alert_pack_covers_every_model_the_alert_names(settings: Settings):
    record_alert(settings, evasion_alert())
    pack = build_alert_pack(settings, evasion_alert().alert_id)
    assert pack.pack_id == evasion_alert().alert_id
    assert [(m["hub"], m["model_id"]) for m in pack.models] == [("huggingface", MIRROR), ("civitai", "301")]
    assert pack.data["alert"]["kind"] == TAKEDOWN_EVASION and pack.data["alert"]["detected_at"]
    assert [r["partition"] for r in pack.models[0]["raw_records"]] == ["raw/hub=huggingface/dt=2025-05-03/"]
    assert pack.models[0]["files"][0]["hashes"] == {"SHA256": SHA_MARA}


def test_review_decisions_are_included_when_the_state_store_has_them(settings: Settings):
    assert build_model_pack(settings, "civitai", "301").models[0]["review_decisions"] == []  # no store at all
    record_alert(settings, evasion_alert())  # a store without the table
    assert build_model_pack(settings, "civitai", "301").models[0]["review_decisions"] == []
    add_decisions(
        settings,
        [
            ("civitai", "301", "reported", "notice sent", "2025-05-02 09:00:00"),
            ("civitai", "301", "likeness", "checked the person", "2025-05-01 12:00:00"),
            ("civitai", "303", "not_likeness", None, "2025-05-01 13:00:00"),
        ],
    )
    decisions = build_model_pack(settings, "civitai", "301").models[0]["review_decisions"]
    assert [(d["decision"], d["note"], d["decided_by"]) for d in decisions] == [
        ("likeness", "checked the person", "ana"),
        ("reported", "notice sent", "ana"),
    ]  # oldest first, this model's only
    html, _ = render(build_model_pack(settings, "civitai", "301"))
    assert "checked the person" in html and "notice sent" in html


def test_only_committed_and_intact_partitions_are_read(settings: Settings, built: Path, tmp_path: Path):
    lake = tmp_path / "lake"
    shutil.copytree(built / "lake", lake)
    store = open_store(str(lake))
    manifest = read_manifest(store, "civitai", D2)
    store.put_bytes(manifest_key("civitai", D2), replace(manifest, status=QUARANTINED).to_json())
    changed = lake / read_manifest(store, "civitai", D3).files[0].key
    changed.write_bytes(gzip.compress(b'{"model_id": "301"}\n'))
    (model,) = build_model_pack(replace_store(settings, lake), "civitai", "301").models
    assert [r["day"] for r in model["raw_records"]] == ["2025-05-01"]
    assert any("dt=2025-05-02/: partition quarantined" in note for note in model["notes"])
    assert any("dt=2025-05-03/" in note and "does not match the manifest" in note for note in model["notes"])


def replace_store(settings: Settings, lake: Path) -> Settings:
    return settings.model_copy(update={"store": str(lake)})


def test_the_cli_writes_both_files_atomically_and_rewrites_in_place(settings: Settings, tmp_path: Path):
    out = tmp_path / "packs"
    runner = CliRunner()
    for _ in range(2):
        result = runner.invoke(
            main, ["evidence", "--hub", "huggingface", "--model", MIRROR, "--out", str(out)]
        )
        assert result.exit_code == 0, result.output
    pack = out / "model-huggingface-mirrorfan--mara-quell-flux"
    assert result.output.splitlines()[-1] == str(pack / "index.html")
    assert sorted(p.name for p in out.iterdir()) == [pack.name]  # no temporary or old folder left
    assert sorted(p.name for p in pack.iterdir()) == ["evidence.json", "index.html"]
    data = json.loads((pack / "evidence.json").read_text())
    assert data["pack"]["kind"] == "model" and data["models"][0]["model_id"] == MIRROR
    assert "<" not in (pack / "evidence.json").read_text()  # inert even if sniffed as HTML


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--alert", "20250503-spike-civitai-000000000000"],
            "unknown alert 20250503-spike-civitai-000000000000",
        ),
        (["--hub", "civitai", "--model", "999"], "unknown model civitai 999"),
    ],
)
def test_unknown_alert_or_model_is_one_line_and_writes_nothing(settings: Settings, tmp_path, args, message):
    out = tmp_path / "packs"
    result = CliRunner().invoke(main, ["evidence", *args, "--out", str(out)])
    assert result.exit_code == 1 and result.output.startswith(f"Error: {message}")
    assert len(result.output.strip().splitlines()) == 1
    assert not out.exists()


def test_a_missing_warehouse_or_a_wrong_option_is_one_line_and_writes_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("LW_WAREHOUSE", str(tmp_path / "nowhere.duckdb"))
    out = tmp_path / "packs"
    runner = CliRunner()
    result = runner.invoke(main, ["evidence", "--hub", "civitai", "--model", "301", "--out", str(out)])
    assert result.exit_code == 1 and "warehouse not found at" in result.output
    both = runner.invoke(
        main, ["evidence", "--alert", "x", "--hub", "civitai", "--model", "1", "--out", str(out)]
    )
    neither = runner.invoke(main, ["evidence", "--hub", "civitai", "--out", str(out)])
    for usage in (both, neither):
        assert usage.exit_code == 2 and len(usage.output.strip().splitlines()) == 1
    assert not out.exists() and not (tmp_path / "state.duckdb").exists()


def test_an_alert_that_names_no_model_has_no_pack(settings: Settings, tmp_path):
    missing = Alert(
        kind="data_missing", hub="civitai", day=D2, severity="medium", title="No data", observed=0
    )
    record_alert(settings, missing)
    result = CliRunner().invoke(main, ["evidence", "--alert", missing.alert_id, "--out", str(tmp_path / "p")])
    assert result.exit_code == 1 and "names no model" in result.output and not (tmp_path / "p").exists()


SECRETS = {
    "LW_SLACK_WEBHOOK_URL": "https://hooks.slack.com/services/T000/B000/slacksecret0001",
    "LW_WEBHOOK_URL": "https://tns.example.org/hook?token=webhooksecret0002",
    "LW_WEBHOOK_SECRET": "hmacsecret0003",
    "LW_SMTP_HOST": "smtp.example.org",
    "LW_SMTP_USER": "lw-mailer",
    "LW_SMTP_PASSWORD": "smtppassword0004",
    "LW_SMTP_TO": "tns@example.org",
    "CIVITAI_API_TOKEN": "civitaitoken0005",
    "HF_TOKEN": "hf_token0006",
    "LW_CIVITAI_TOKEN": "civitaitoken0007",
    "AWS_SECRET_ACCESS_KEY": "awssecret0008",
}


def test_the_pack_names_no_secret_set_in_the_environment(settings: Settings, tmp_path, monkeypatch):
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    record_alert(settings, evasion_alert())
    out = tmp_path / "packs"
    runner = CliRunner()
    assert (
        runner.invoke(main, ["evidence", "--alert", evasion_alert().alert_id, "--out", str(out)]).exit_code
        == 0
    )
    assert (
        runner.invoke(main, ["evidence", "--hub", "civitai", "--model", "302", "--out", str(out)]).exit_code
        == 0
    )
    written = "".join(path.read_text() for path in out.rglob("*") if path.is_file())
    assert written and not [name for name, value in SECRETS.items() if value in written]


def test_a_pack_that_would_hold_a_secret_setting_is_refused(settings: Settings, tmp_path, monkeypatch):
    monkeypatch.setenv("LW_SMTP_PASSWORD", "Mara Quell LoRA")  # whatever puts it there, it must not go out
    out = tmp_path / "packs"
    result = CliRunner().invoke(main, ["evidence", "--hub", "civitai", "--model", "301", "--out", str(out)])
    assert result.exit_code == 1 and "value of LW_SMTP_PASSWORD: not written" in result.output
    assert "Mara Quell" not in result.output and not out.exists()


def test_the_json_keeps_the_hostile_values_raw(settings: Settings):
    (model,) = build_model_pack(settings, "civitai", "302").models
    assert (model["name"], model["creator"]) == (HOSTILE_NAME, HOSTILE_CREATOR)
    assert json.loads(model["raw_records"][0]["text"])["record"]["name"] == HOSTILE_NAME


@needs_chromium
def test_a_hostile_model_pack_renders_inert_in_headless_chromium(settings: Settings, tmp_path: Path):
    index = write_pack(build_model_pack(settings, "civitai", "302"), tmp_path / "packs")
    assert not {"\u202e", "\x00", "\x1b"} & set(index.read_text())  # shown as escapes, never raw
    result = chromium(tmp_path / "profile", "--dump-dom", index.as_uri())
    dom = result.stdout
    assert "Evidence pack model-civitai-302" in dom, result.stderr[-2000:]
    assert "<script" not in dom.lower() and "<img" not in dom.lower()  # no element from a hub string
    assert not re.search(r"<[^>]*\son\w+=", dom)  # no event-handler attribute on any element
    assert re.findall(r'<a [^>]*href="([^"]*)"', dom) and all(
        href.startswith("https://") for href in re.findall(r'<a [^>]*href="([^"]*)"', dom)
    )  # links only to web pages: the creator's javascript: URL is text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;/style&gt;&lt;img src=x onerror=alert(2)&gt;" in dom
    assert "\\x00\\x1b[31m\\u202eJane Doe LoRA" in dom  # tampering shown, not performed
    assert HOSTILE_CREATOR in dom and "&lt;/style&gt;&lt;script&gt;alert(4)" in dom
    assert ":CONSOLE" not in result.stderr  # no script ran, nothing was blocked or missing


def test_pack_folders_are_readable_by_a_web_server(settings: Settings, tmp_path: Path):
    index = write_pack(build_model_pack(settings, "civitai", "301"), tmp_path / "packs")
    assert os.stat(index.parent).st_mode & 0o005 == 0o005 and os.stat(index).st_mode & 0o004


def test_build_errors_are_evidence_errors(settings: Settings, tmp_path: Path):
    with pytest.raises(EvidenceError, match="unknown model huggingface nobody/nothing"):
        build_model_pack(settings, "huggingface", "nobody/nothing")
    broken = tmp_path / "broken.duckdb"
    duckdb.connect(str(broken)).close()
    with pytest.raises(EvidenceError, match="has no dim_model yet"):
        build_model_pack(settings.model_copy(update={"warehouse": broken}), "civitai", "301")

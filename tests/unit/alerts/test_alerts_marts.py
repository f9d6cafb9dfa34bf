"""Reading the marts and the raw manifests, and a whole run on a hand-made warehouse."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from likeness_watch.alerts import history
from likeness_watch.alerts.completeness import read_completeness
from likeness_watch.alerts.marts import MartsMissing, read_inputs
from likeness_watch.alerts.run import latest_days, run_alerts_range
from likeness_watch.alerts.run import warehouse as open_warehouse
from likeness_watch.settings import Settings
from likeness_watch.state_store import StateStore

START, DAY = date(2025, 4, 1), date(2025, 5, 10)
EVE = DAY - timedelta(days=1)
ALL_DAYS = [START + timedelta(days=i) for i in range((DAY - START).days + 1)]


def build_marts(make_warehouse: Callable[..., Path]) -> None:
    make_warehouse(
        {hub: dict.fromkeys(ALL_DAYS, 1) for hub in ("civitai", "huggingface")},
        models=[
            {"hub": "civitai", "model_id": "123", "name": "pretty lady", "first_seen": DAY,
             "trained_words": ["zoealvarez", "1girl"], "is_likeness": False},
            {"hub": "huggingface", "model_id": "u/copy", "name": "Copy LoRA", "first_seen": DAY},
            {"hub": "huggingface", "model_id": "u/q", "name": "Zoe Alvarez", "first_seen": EVE},
        ],
        reuploads=[
            {"sha256": "ab" * 32, "hub": "huggingface", "model_id": "u/copy", "appeared_on": START,
             "seen_on": DAY, "first_hub": "civitai", "first_model_id": "77", "after_takedown": True},
        ],
    )  # fmt: skip


@pytest.fixture
def warehouse(settings: Settings, make_warehouse, lake, tmp_path: Path) -> Settings:
    for hub in ("civitai", "huggingface"):
        lake.commit(hub, ALL_DAYS)
    lake.quarantine("huggingface", EVE, reason="schema drift: 41 items without id")
    Path(settings.watchlist).write_text("name,aliases\nZoë Álvarez,\n")
    build_marts(make_warehouse)
    return settings


def test_inputs_are_read_with_links_lists_and_dates(warehouse: Settings, store):
    con = duckdb.connect(str(warehouse.warehouse), read_only=True)
    inputs = read_inputs(con, DAY, DAY, 30, read_completeness(store), [])
    con.close()
    model = inputs.models.set_index("model_id").loc["123"]
    assert model["url"] == "https://civitai.com/models/123"
    assert list(model["trained_words"]) == ["zoealvarez", "1girl"]
    assert model["first_seen"] == DAY
    assert inputs.reuploads["seen_on"].tolist() == [DAY]
    assert inputs.completeness.status("huggingface", EVE) == "quarantined"
    assert inputs.completeness.reasons[("huggingface", EVE)].startswith("schema drift")


def test_run_finds_watchlist_evasion_and_missing_data_and_records_once(warehouse: Settings):
    run = run_alerts_range(warehouse, EVE, DAY)
    found = {(a.kind, a.hub, a.day) for a in run.alerts}
    assert found == {
        ("data_missing", "huggingface", EVE),
        ("watchlist_match", "civitai", DAY),  # by trigger word, although not classified likeness
        ("takedown_evasion", "huggingface", DAY),
    }  # the watchlisted model on the quarantined day is not trusted
    evasion = next(a for a in run.alerts if a.kind == "takedown_evasion")
    assert (
        evasion.top_models[0].name == "Copy LoRA"
        and evasion.top_models[0].url == "https://huggingface.co/u/copy"
    )
    assert len(run.new) == 3 and len(run.outbox) == 3
    payload = json.loads(Path(run.outbox[0]).read_text())
    assert payload["alert_id"] == Path(run.outbox[0]).stem

    again = run_alerts_range(warehouse, EVE, DAY)
    assert again.new == [] and [a.alert_id for a in again.alerts] == [a.alert_id for a in run.alerts]
    with StateStore.of(warehouse).reader() as con:
        assert con.execute("select count(*) from alerts").fetchone() == (3,)
        assert history.delivery_counts(con) == {}  # no channel configured: outbox only


def test_a_full_rebuild_of_the_warehouse_records_and_sends_nothing_again(warehouse: Settings, make_warehouse):
    """The history lives in the state store: deleting the warehouse and building it again from
    the raw layer must not make an alerted day new again."""
    sent: list[str] = []

    class Receiver:
        name = "slack"

        def send(self, alert, now) -> None:
            sent.append(alert.alert_id)

    first = run_alerts_range(warehouse, EVE, DAY, channels={"slack": Receiver()})
    assert len(first.new) == 3 and len(sent) == 3
    outbox = sorted(Path(warehouse.outbox).iterdir())
    Path(warehouse.warehouse).unlink()  # a rebuild from scratch: the same marts in a new file
    build_marts(make_warehouse)
    again = run_alerts_range(warehouse, EVE, DAY, channels={"slack": Receiver()})
    assert {a.alert_id for a in again.alerts} == {a.alert_id for a in first.alerts}
    assert again.new == [] and again.delivery.delivered == {} and len(sent) == 3
    assert sorted(Path(warehouse.outbox).iterdir()) == outbox
    with StateStore.of(warehouse).reader() as con:
        assert con.execute("select count(*) from alerts").fetchone() == (3,)
        assert history.delivery_counts(con) == {("slack", "delivered"): 3}


def test_dry_run_touches_nothing(warehouse: Settings):
    run = run_alerts_range(warehouse, DAY, DAY, dry_run=True)
    assert run.alerts and run.new == [] and run.outbox == []
    assert not Path(warehouse.outbox).exists()


def test_latest_days_cover_the_end_of_the_marts(warehouse: Settings):
    assert latest_days(warehouse, lookback=3) == (DAY - timedelta(days=2), DAY)


def test_missing_marts_are_a_clear_error(settings: Settings, store):
    duckdb.connect(str(settings.warehouse)).close()
    with pytest.raises(MartsMissing, match="likeness-watch build"):
        run_alerts_range(settings, DAY, DAY)


def test_a_run_waits_while_another_process_holds_the_warehouse(warehouse: Settings):
    hold = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print(flush=True); time.sleep(1.5)"
    holder = subprocess.Popen([sys.executable, "-c", hold, str(warehouse.warehouse)], stdout=subprocess.PIPE)
    holder.stdout.readline()  # the other process now holds the write lock
    with open_warehouse(warehouse) as con:
        assert con.execute("select count(*) from dim_model").fetchone() == (3,)
    assert holder.wait() == 0


def test_a_late_partition_does_not_announce_a_campaign_again(settings: Settings, make_warehouse, lake):
    """The DAG rescores the last days: a released partition of another hub moves the cluster's
    threshold day earlier, but T&S already heard about this campaign on this person."""
    for hub in ("civitai", "huggingface"):
        lake.commit(hub, ALL_DAYS)
    lake.quarantine("huggingface", EVE)
    jane = {"target_name": "Jane Doe", "is_likeness": True, "hub": "civitai"}
    models = [{**jane, "model_id": str(k), "first_seen": DAY - timedelta(days=k)} for k in range(3)]
    models.append({**jane, "hub": "huggingface", "model_id": "u/jane", "first_seen": EVE})
    make_warehouse({hub: dict.fromkeys(ALL_DAYS, 1) for hub in ("civitai", "huggingface")}, models=models)
    first = run_alerts_range(settings, DAY - timedelta(days=2), DAY)
    assert [(a.kind, a.day) for a in first.new if a.kind == "target_cluster"] == [("target_cluster", DAY)]

    lake.commit("huggingface", [EVE])  # re-crawled and released
    second = run_alerts_range(settings, DAY - timedelta(days=2), DAY)
    assert [(a.kind, a.day) for a in second.alerts if a.kind == "target_cluster"] == [("target_cluster", EVE)]
    assert [a for a in second.new if a.kind == "target_cluster"] == []


def test_readers_can_open_the_warehouse_while_a_receiver_is_slow(warehouse: Settings):
    """A delivery waiting on a receiver holds no connection: the report, triggered by the same
    marts update, opens the warehouse and the state store meanwhile instead of timing out."""
    peek = "import duckdb, sys; duckdb.connect(sys.argv[1], read_only=True).close()"
    opened_during_send: list[int] = []

    class SlowReceiver:
        name = "slack"

        def send(self, alert, now) -> None:
            for path in (warehouse.warehouse, warehouse.state):
                opened_during_send.append(
                    subprocess.run([sys.executable, "-c", peek, str(path)], timeout=60).returncode
                )

    run = run_alerts_range(warehouse, EVE, DAY, channels={"slack": SlowReceiver()})
    assert run.delivery.delivered == {"slack": len(run.new)} and len(run.new) == 3
    assert opened_during_send == [0] * 6
    with StateStore.of(warehouse).reader() as con:
        assert history.delivery_counts(con) == {("slack", "delivered"): 3}


class Capture:
    """A Slack channel that keeps what it was sent."""

    name = "slack"

    def __init__(self) -> None:
        self.sent: list = []

    def send(self, alert, now) -> None:
        self.sent.append(alert)


def test_with_a_public_url_sent_alerts_link_to_packs_written_before_the_send(
    warehouse: Settings, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("LW_PUBLIC_BASE_URL", "https://lw.example.org/tns/")
    settings = Settings()
    channel = Capture()
    run_alerts_range(settings, EVE, DAY, channels={"slack": channel})
    links = {alert.kind: alert.evidence_url for alert in channel.sent}
    assert set(links) == {"data_missing", "watchlist_match", "takedown_evasion"}
    assert links["data_missing"] is None  # names no model: no pack, no link
    for alert in channel.sent:
        if alert.evidence_url:
            assert alert.evidence_url == f"https://lw.example.org/tns/evidence/{alert.alert_id}/index.html"
            pack = Path(settings.evidence_dir) / alert.alert_id
            assert (pack / "index.html").is_file() and (pack / "evidence.json").is_file()
    assert links["watchlist_match"] and links["takedown_evasion"]
    evasion = json.loads(
        (
            Path(settings.evidence_dir) / Path(links["takedown_evasion"]).parent.name / "evidence.json"
        ).read_text()
    )
    assert [(m["hub"], m["model_id"]) for m in evasion["models"]] == [
        ("huggingface", "u/copy"),
        ("civitai", "77"),
    ]
    assert evasion["models"][1]["notes"] == ["the warehouse does not know this model (dim_model has no row)"]
    assert (
        "the warehouse has no fct_model_daily: no daily history, no raw records"
        in evasion["models"][0]["notes"]
    )
    with StateStore.of(settings).reader() as con:  # the recorded payload stays without the link
        payloads = [json.loads(p) for (p,) in con.execute("select payload from alerts").fetchall()]
    assert all("evidence_url" not in payload for payload in payloads)


def test_without_a_public_url_alerts_carry_no_link_and_no_pack_is_written(warehouse: Settings):
    channel = Capture()
    run_alerts_range(warehouse, EVE, DAY, channels={"slack": channel})
    assert len(channel.sent) == 3 and all(alert.evidence_url is None for alert in channel.sent)
    assert not Path(warehouse.evidence_dir).exists()

"""End to end on the simulator: crawl → warehouse → report figures, compared with the world's ground truth.

The simulator knows every model's true labels. Crawling it daily around Civitai's ban, building the
warehouse and measuring the headline figures must land within the tolerances stated in
``study_figures.yml``, so the report can be trusted before it meets real data.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
import requests

from likeness_watch.report import tables
from likeness_watch.report.headline import measure_headline
from likeness_watch.report.study import load_study
from likeness_watch.report.warehouse import ReportData, load_report_data
from likeness_watch.settings import Settings
from likeness_watch.store import open_store
from tests.unit.report.compare import compare_figures

FIRST, LAST = date(2025, 5, 18), date(2025, 6, 1)
SCALE = 0.1
ADAPTERS = ("LORA", "LoCon", "DoRA")


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], ReportData]:
    """Crawl the world daily from FIRST to LAST (it ends on LAST, so truth = what the last crawl sees),
    build the warehouse and read it as the report does; returns (observable truth, report data)."""
    from hubsim import SimConfig, SimServer, build_world, sim_base_url
    from likeness_watch.crawl import crawl_day
    from likeness_watch.pipeline import gate_raw
    from likeness_watch.warehouse import build_warehouse

    root = tmp_path_factory.mktemp("truth")
    world = build_world(SimConfig(seed=7, scale=SCALE, end=LAST))
    settings = Settings(
        store=str(root / "lake"), warehouse=root / "warehouse.duckdb", gap_probe_budget=100_000
    )
    store = open_store(settings.store)
    days = [FIRST + timedelta(days=n) for n in range((LAST - FIRST).days + 1)]
    with SimServer(world, host="127.0.0.1", port=0) as server:
        for day in days:
            for hub in ("civitai", "huggingface"):
                crawl_day(hub, day, settings, store, base_url=sim_base_url(server.url, hub), rps=500.0)
            # A crawl lands its day; the raw gate commits it (and the next day's crawl builds on it).
            gated = gate_raw(settings, store, [("civitai", day), ("huggingface", day)])
            assert not gated.quarantined, gated.quarantined
        truth = observable_truth(world, days, refuses_detail(server.url))
    build_warehouse(settings)
    return truth, load_report_data(settings.warehouse)


def refuses_detail(sim_url: str) -> Callable[[str], bool]:
    """Whether the (anonymous) Hugging Face detail call is refused: a gated repo's file hashes are
    not public metadata, so no metadata-only crawler can match a re-upload into it."""

    def refused(repo_id: str) -> bool:
        url = f"{sim_url}/at/{LAST.isoformat()}/huggingface/api/models/{repo_id}"
        return requests.get(url, timeout=10).status_code in (401, 403)

    return refused


def observable_truth(world: Any, days: list[date], refused: Callable[[str], bool]) -> dict[str, Any]:
    """Ground truth over the models a daily crawl could see, in ``Headline.comparable()``'s keys.

    Observable: live at one of the crawl instants (a model deleted before the first crawl is
    invisible to any crawler). In scope: every Hugging Face text-to-image repo (the adapter lists
    ``pipeline_tag=text-to-image``: LoRAs, DreamBooth checkpoints and embeddings alike).
    Hugging Face repos have no versions: one repo is one variant, as in the warehouse. Re-uploads
    count when they keep the file (same SHA256) and the repo's file hashes are public.
    """
    instants = [world.asof(day) for day in days]
    seen = {(hub, str(m.key)) for hub in ("civitai", "huggingface") for m in world.models(hub)
            if any(m.live(t) for t in instants)}  # fmt: skip
    rows = [
        row for row in world.truth()["models"]
        if (row["hub"], str(row["model_id"])) in seen
    ]  # fmt: skip
    likeness = [row for row in rows if row["is_likeness"]]
    versions = Counter()
    for row in likeness:
        versions[row["hub"]] += row["versions"] if row["hub"] == "civitai" else 1
    genders = Counter(row["target_gender"] for row in likeness)
    countries = Counter(row["target_country"] for row in likeness)
    removed = {(row["hub"], str(row["model_id"])) for row in rows if row["removed_at"]}
    reuploads = [
        row for row in rows
        if row["reupload_of"] and row["same_file"]
        and (row["reupload_of"]["hub"], str(row["reupload_of"]["model_id"])) in removed
        and not (row["hub"] == "huggingface" and refused(row["model_id"]))
    ]  # fmt: skip
    return {
        "likeness_models": len(likeness),
        "likeness_versions": sum(versions.values()),
        "downloads": sum(row["downloads"] for row in likeness),
        "hub_share": {hub: n / sum(versions.values()) for hub, n in versions.items()},
        "share_women": genders["female"] / (genders["female"] + genders["male"]),
        "share_nsfw_intent": sum(row["nsfw_intent"] for row in likeness) / len(likeness),
        "share_lora": sum(row["type"] in ADAPTERS for row in likeness) / len(likeness),
        "top_countries": [country for country, _ in countries.most_common(5)],
        "reuploads_after_takedown": len(reuploads),
    }


def test_measured_headline_figures_match_ground_truth_within_stated_tolerances(pipeline):
    truth, data = pipeline
    tolerances = load_study().tolerances
    checks = compare_figures(measure_headline(data).comparable(), truth, tolerances)
    assert {check.key for check in checks} == set(tolerances)
    assert all(check.ok for check in checks), "\n".join(check.describe() for check in checks)


def test_takedown_chart_data_shows_the_ban_and_the_reuploads_after_it(pipeline):
    from hubsim import BAN_DAY

    _, data = pipeline
    table = tables.takedowns_reuploads(data)
    civitai = table[table["hub"] == "civitai"].set_index("day")["taken_down"]
    assert civitai.idxmax() == BAN_DAY
    reuploads = table[(table["hub"] == "huggingface") & (table["reuploads"] > 0)]
    assert not reuploads.empty and reuploads["day"].min() > BAN_DAY

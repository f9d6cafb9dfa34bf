"""The synthetic world: determinism, calibration to the study, ban day, spikes, hostile strings."""

from __future__ import annotations

import csv
import hashlib
import json
from collections import Counter
from datetime import date, timedelta
from statistics import mean

import pytest

from hubsim import BAN_DAY, SimConfig, build_world
from hubsim.clock import date_of
from hubsim.counters import model_downloads
from hubsim.truth import iter_rows
from hubsim.vocab import HOSTILE

SHORT = SimConfig(seed=42, start=date(2025, 3, 1), end=date(2025, 8, 31))


@pytest.fixture(scope="module")
def world():
    """The default world (seed 42, scale 1, Nov 2022 – Dec 2026)."""
    return build_world(SimConfig(seed=42))


@pytest.fixture(scope="module")
def dense_world():
    """A denser, shorter world where injected spikes stand out of Poisson noise."""
    return build_world(SimConfig(seed=42, scale=4, start=date(2024, 6, 1), end=date(2025, 9, 30)))


def digest(world) -> str:
    rows = json.dumps(list(iter_rows(world)), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(rows.encode()).hexdigest()


def likeness(world):
    return [m for hub in ("civitai", "huggingface") for m in world.models(hub) if m.is_likeness]


def test_same_seed_same_world_and_different_seed_different_world():
    first, again = build_world(SHORT), build_world(SHORT)
    other = build_world(SimConfig(seed=43, start=SHORT.start, end=SHORT.end))
    assert digest(first) == digest(again)
    assert first.truth(include_models=False) == again.truth(include_models=False)
    assert digest(first) != digest(other)


def test_scale_one_is_a_few_thousand_models_per_hub(world):
    assert 5_000 <= len(world.civitai) <= 8_000
    assert 2_000 <= len(world.huggingface) <= 4_500


def test_growth_is_a_huge_rise(world):
    per_year = Counter(date_of(m.created).year for m in world.civitai)
    assert per_year[2024] > 3 * per_year[2023] / 2 and per_year[2023] > 0


def test_likeness_targets_are_96_percent_women(world):
    genders = Counter(world.targets[m.target].gender for m in likeness(world))
    share = genders["female"] / (genders["female"] + genders["male"])
    assert share == pytest.approx(0.96, abs=0.03)
    targets = Counter(t.gender for t in world.targets)
    assert targets["female"] / len(world.targets) == pytest.approx(0.96, abs=0.03)


def test_likeness_targets_concentrate_in_five_countries(world):
    countries = Counter(world.targets[m.target].country for m in likeness(world))
    assert {c for c, _ in countries.most_common(5)} == {"CN", "KR", "JP", "GB", "US"}
    assert sum(countries[c] for c in ("CN", "KR", "JP", "GB", "US")) / sum(countries.values()) > 0.7


def test_likeness_models_are_mostly_loras_with_a_large_nsfw_share(world):
    models = likeness(world)
    types = Counter(m.mtype for m in models)
    assert types["LORA"] / len(models) > 0.6
    assert (types["LORA"] + types["LoCon"] + types["DoRA"]) / len(models) > 0.8
    assert 0.4 < sum(m.nsfw_intent for m in models) / len(models) < 0.8
    assert all(bool(m.nsfw_level & 28) == m.nsfw_intent for m in models)


def test_downloads_are_heavy_tailed_and_grow_day_by_day(world):
    end = world.end_ts
    downloads = sorted((model_downloads(m, end) for m in likeness(world)), reverse=True)
    top = downloads[: len(downloads) // 100]
    assert sum(top) > 0.2 * sum(downloads)
    live = [m for m in world.civitai if m.removed is None]
    before, after = world.asof(date(2025, 1, 1)), world.asof(date(2025, 2, 1))
    assert all(model_downloads(m, before) <= model_downloads(m, after) for m in live)
    assert sum(model_downloads(m, after) for m in live) > sum(model_downloads(m, before) for m in live)


def test_civitai_ids_increase_with_creation_and_have_gaps(world):
    ids = world.civitai_ids
    assert ids == sorted(ids) and len(set(ids)) == len(ids)
    assert world.civitai_created == sorted(world.civitai_created)
    gaps = [i for i in range(ids[0], ids[-1]) if world.civitai_position(i) is None]
    assert len(gaps) > 0.1 * len(ids)
    vids = [v.vid for m in world.civitai for v in sorted(m.versions, key=lambda v: v.created)]
    assert len(set(vids)) == len(vids)


def test_ban_day_removes_most_civitai_likeness_models(world):
    ban = world.asof(BAN_DAY - timedelta(days=1))
    live = [m for m in world.civitai if m.is_likeness and m.live(ban)]
    banned = [m for m in live if m.removed is not None and date_of(m.removed) == BAN_DAY]
    assert len(banned) > 0.6 * len(live)
    kinds = Counter(m.removal_kind for m in banned)
    assert kinds["deleted"] > 3 * kinds["taken_down"] > 0
    other = [m for m in world.civitai if not m.is_likeness and m.live(ban)]
    assert sum(m.removed is not None and date_of(m.removed) == BAN_DAY for m in other) == 0


def test_ban_is_followed_by_huggingface_reuploads_of_the_same_files(world):
    banned = {m.key: m for m in world.civitai if m.removed is not None and date_of(m.removed) == BAN_DAY}
    wave = [m for m in world.huggingface if m.reupload_of and m.reupload_of[1] in banned]
    assert len(wave) > 0.3 * len(banned)
    delays = [(date_of(m.created) - BAN_DAY).days for m in wave]
    assert min(delays) >= 1 and max(delays) <= 43
    same = [m for m in wave if m.same_file]
    assert len(same) > 0.8 * len(wave)
    for m in same:
        source = banned[m.reupload_of[1]]
        assert {v.sha256 for v in m.versions} == {v.sha256 for v in source.versions}
    weekly = Counter((date_of(m.created) - BAN_DAY).days // 7 for m in world.huggingface if m.is_likeness)
    assert weekly[1] > 3 * weekly[-2]


def test_post_ban_civitai_likeness_models_are_rarely_poi(world):
    ban = world.asof(BAN_DAY - timedelta(days=1))
    pre = [m for m in world.civitai if m.is_likeness and m.created < ban]
    post = [m for m in world.civitai if m.is_likeness and m.created >= world.asof(BAN_DAY)]
    assert sum(m.poi for m in pre) / len(pre) > 0.5
    assert post and sum(m.poi for m in post) / len(post) < 0.15


def test_spike_calendar_has_known_days_per_hub(world):
    for hub, events in world.events.items():
        per_year = Counter(d.year for d, _ in events.spikes)
        assert all(per_year[y] >= 4 for y in (2023, 2024, 2025, 2026)), (hub, per_year)
        assert sum(date(2025, 4, 1) <= d <= date(2025, 7, 31) for d, _ in events.spikes) >= 2
        assert {f for _, f in events.spikes} <= {1.5, 2.0, 3.0, 5.0, 10.0}
        assert 1 <= len(events.level_shifts) <= 2
        assert all((b - a).days == 6 for a, b, _ in events.level_shifts)


def test_big_spikes_are_visible_in_daily_new_likeness_counts(dense_world):
    for hub in ("civitai", "huggingface"):
        daily = Counter(
            date_of(m.created) for m in dense_world.models(hub) if m.is_likeness and not m.reupload_of
        )
        big = [d for d, f in dense_world.events[hub].spikes if f >= 5]
        assert big, hub
        for day in big:
            baseline = mean(daily[day - timedelta(days=k)] for k in range(1, 29))
            assert daily[day] >= max(2 * baseline, baseline + 3), (hub, day, daily[day], baseline)


def test_hostile_strings_appear_in_a_few_percent_of_records(world):
    names = [m.name for m in world.civitai]
    hostile_names = [n for n in names if any(h in n for h in HOSTILE) or len(n) > 300]
    assert 0.005 < len(hostile_names) / len(names) < 0.06
    assert any("<script>" in n for n in names) or any("onerror" in n for n in names)
    hostile_tags = [m for m in world.civitai + world.huggingface if any(t in HOSTILE for t in m.tags)]
    assert hostile_tags
    assert 0.01 < sum(m.hostile for m in world.civitai) / len(world.civitai) < 0.06


def test_targets_are_synthetic_with_aliases_and_native_script(world):
    natives = [t for t in world.targets if t.country in ("CN", "KR", "JP")]
    assert natives and all(t.native and t.native in t.aliases for t in natives)
    clusters = Counter(m.target for m in likeness(world))
    assert max(clusters.values()) >= 5, "popular targets get several models over time"


def test_truth_export_writes_json_and_csv(tmp_path):
    world = build_world(SHORT)
    paths = world.export_truth(tmp_path)
    assert [p.name for p in paths] == ["truth.json", "models.csv"]
    doc = json.loads(paths[0].read_text(encoding="utf-8"))
    assert doc["ban_day"] == "2025-05-23"
    assert set(doc["events"]) == {"civitai", "huggingface"}
    assert len(doc["models"]) == len(world.civitai) + len(world.huggingface)
    agg = doc["aggregates"]
    assert {"share_women", "top_countries", "share_nsfw_intent", "likeness_version_downloads"} <= set(agg)
    assert agg["per_hub"]["civitai"]["likeness_models"] == sum(
        1 for row in doc["models"] if row["hub"] == "civitai" and row["is_likeness"]
    )
    row = next(r for r in doc["models"] if r["reupload_of"])
    assert row["reupload_of"]["hub"] == "civitai" and row["sha256"]
    with paths[1].open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(doc["models"])
    assert {"target_name", "removal_kind", "reupload_of_model_id", "sha256"} <= set(rows[0])

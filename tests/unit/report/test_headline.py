from dataclasses import replace

import pytest

from likeness_watch.report.headline import measure_headline, technique
from likeness_watch.report.warehouse import load_report_data


def test_headline_figures_match_the_fixture_by_construction(full_data):
    headline = measure_headline(full_data)
    assert headline.likeness_models == 60
    assert headline.likeness_versions == 72  # every fifth model has two versions
    assert headline.downloads == 1_830_000  # sum of per-version counters, never model + version totals
    assert headline.downloads_basis == "latest counter per likeness version"
    assert headline.unit == "versions"
    assert headline.hub_share == pytest.approx({"civitai": 48 / 72, "huggingface": 24 / 72})
    assert headline.gender_counts == {"female": 57, "male": 2, "unknown": 1}
    assert headline.share_women == pytest.approx(57 / 59)  # unknown excluded
    assert [code for code, _ in headline.top_countries] == ["CN", "KR", "JP", "GB", "US"]
    assert headline.top_countries[0] == ("CN", 12)
    assert [code for code, _ in headline.top_countries_by_downloads] == ["CN", "KR", "JP", "GB", "US"]
    assert headline.share_nsfw_intent == pytest.approx(20 / 60)
    assert headline.share_lora == pytest.approx(54 / 60)
    assert headline.reuploads_after_takedown == 8  # models, not files; the pre-ban copy is not counted
    assert headline.reuploads_cross_hub == 7
    assert headline.prominence_counts == {"celebrity": 30, "influencer": 20, "unknown": 10}


def test_without_versions_f1_to_f3_fall_back_to_models_and_the_daily_mart(minimal_warehouse):
    data = load_report_data(minimal_warehouse)
    headline = measure_headline(data)
    last = data.daily[data.daily["day"] == data.end]
    assert headline.likeness_versions is None
    assert headline.unit == "models"
    assert headline.hub_share == pytest.approx({"civitai": 40 / 60, "huggingface": 20 / 60})
    assert headline.downloads == int(last["likeness_downloads"].sum())
    assert headline.downloads_basis.startswith("cumulative likeness downloads per hub on the last day")
    assert headline.base_model_counts is None
    assert headline.prominence_counts is None
    assert headline.reuploads_after_takedown is None


def test_downloads_basis_warns_when_a_start_date_cannot_filter_the_daily_mart(minimal_warehouse):
    from datetime import date

    headline = measure_headline(load_report_data(minimal_warehouse, start=date(2025, 6, 1)))
    assert "includes models published before --from" in headline.downloads_basis


def test_missing_classifier_columns_give_none_not_zero(full_data):
    models = full_data.models.drop(columns=["target_gender", "nsfw_intent", "type"])
    headline = measure_headline(replace(full_data, models=models))
    assert headline.share_women is None
    assert headline.share_nsfw_intent is None
    assert headline.share_lora is None
    assert headline.comparable()["share_women"] is None


@pytest.mark.parametrize(
    ("model_type", "group"),
    [
        ("LORA", "LoRA-like"),
        ("LoCon", "LoRA-like"),
        ("DoRA", "LoRA-like"),
        ("lora", "LoRA-like"),
        ("Checkpoint", "Checkpoint"),
        ("TextualInversion", "Embedding"),
        (None, "Other/unknown"),
        ("VAE", "Other/unknown"),
    ],
)
def test_technique_groups_hub_types_as_f10_compares_them(model_type, group):
    assert technique(model_type) == group

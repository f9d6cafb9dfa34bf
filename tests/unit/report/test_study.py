from datetime import date

from likeness_watch.report.study import load_study, parse_study


def test_packaged_study_has_every_reproduction_target_and_a_tolerance_per_comparable_figure():
    study = load_study()
    assert [f.id for f in study.figures] == [f"F{n}" for n in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 14)]
    assert study.figure("F6").study_value == 0.96
    assert study.figure("F1").study_value == 35000
    assert set(study.tolerances) >= {
        "likeness_models",
        "downloads",
        "share_women",
        "hub_share",
        "top_countries",
    }
    assert study.tolerances["top_countries"].kind == "overlap"


def test_primary_policy_date_is_civitais_ban_and_period_filter_keeps_only_dates_inside():
    study = load_study()
    [primary] = [p for p in study.policy_dates if p.primary]
    assert primary.day == date(2025, 5, 22)
    inside = study.policy_dates_between(date(2025, 5, 20), date(2025, 6, 30))
    assert [p.day for p in inside] == [date(2025, 5, 20), date(2025, 5, 22)]


def test_parse_study_normalises_whitespace_in_the_citation():
    raw = {
        "version": 3,
        "source": {"citation": "A  paper\n  (2025)", "data_cutoff": "2025-01-01"},
        "figures": [],
        "policy_dates": [],
        "tolerances": {"x": {"kind": "absolute", "value": 0.1}},
    }
    study = parse_study(raw)
    assert study.citation == "A paper (2025)"
    assert study.version == 3 and study.related == ()

import pytest

from likeness_watch.report.headline import measure_headline
from likeness_watch.report.study import Tolerance, load_study
from tests.unit.report.compare import compare_figures

REL = {"n": Tolerance("relative", 0.05)}
ABS = {"share": Tolerance("absolute", 0.03)}


@pytest.mark.parametrize(("measured", "ok"), [(100, True), (105, True), (95, True), (106, False), (0, False)])
def test_relative_tolerance(measured, ok):
    [check] = compare_figures({"n": measured}, {"n": 100}, REL)
    assert check.ok is ok
    assert check.diff == pytest.approx(abs(measured - 100) / 100)


def test_absolute_tolerance_on_a_dict_uses_the_worst_key_and_counts_missing_keys_as_zero():
    truth = {"share": {"civitai": 0.8, "huggingface": 0.2}}
    [close] = compare_figures({"share": {"civitai": 0.78, "huggingface": 0.22}}, truth, ABS)
    assert close.ok and close.diff == pytest.approx(0.02)
    [missing] = compare_figures({"share": {"civitai": 1.0}}, truth, ABS)
    assert not missing.ok and missing.diff == pytest.approx(0.2)


def test_overlap_needs_enough_common_items_but_never_more_than_the_truth_has():
    tolerance = {"top": Tolerance("overlap", 4)}
    truth = {"top": ["CN", "KR", "JP", "GB", "US"]}
    assert compare_figures({"top": ["KR", "CN", "JP", "US", "FR"]}, truth, tolerance)[0].ok
    assert not compare_figures({"top": ["KR", "CN", "JP", "FR", "DE"]}, truth, tolerance)[0].ok
    assert compare_figures({"top": ["CN", "KR", "FR"]}, {"top": ["CN", "KR"]}, tolerance)[0].ok


def test_unmeasured_figure_fails_and_figures_without_truth_are_skipped():
    checks = compare_figures({"n": None}, {"n": 10, "share": None}, {**REL, **ABS})
    assert [(c.key, c.ok, c.diff) for c in checks] == [("n", False, None)]
    assert "FAIL" in checks[0].describe()


def test_a_headline_compared_with_itself_passes_every_packaged_tolerance(full_data):
    comparable = measure_headline(full_data).comparable()
    checks = compare_figures(comparable, comparable, load_study().tolerances)
    assert {c.key for c in checks} == set(load_study().tolerances)
    assert all(c.ok for c in checks), [c.describe() for c in checks if not c.ok]

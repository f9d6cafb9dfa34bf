"""Airflow-facing helpers: which day a crawl run covers, and verdicts that must not be retried."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from airflow.sdk.exceptions import AirflowFailException

from likeness_watch.orchestration.runtime import crawl_day_of, verdicts_are_final
from likeness_watch.quality import QualityGateError


def test_a_run_crawls_its_logical_date():
    assert crawl_day_of(datetime(2025, 5, 1, tzinfo=UTC)) == date(2025, 5, 1)


def test_a_run_triggered_without_logical_date_crawls_the_last_complete_day():
    assert crawl_day_of(None) == datetime.now(UTC).date() - timedelta(days=1)


def test_a_failed_gate_fails_its_task_for_good_but_gate_errors_retry():
    with pytest.raises(AirflowFailException, match="expect_column"), verdicts_are_final():
        raise QualityGateError("raw gate failed: expect_column_values_to_not_be_null(model_id)")
    with pytest.raises(OSError), verdicts_are_final():
        raise OSError("store unreachable")

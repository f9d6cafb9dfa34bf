"""The history table: recorded once, retried with backoff, suppressed backfills never sent."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import date, datetime, timedelta

import duckdb
import pytest

from likeness_watch.alerts import history
from likeness_watch.alerts.channels.base import DeliveryError, DeliveryRejected
from likeness_watch.alerts.delivery import channel_failed_alerts, deliver_due
from likeness_watch.alerts.model import Alert

NOW = datetime(2025, 5, 2, 6, 0)


def alert(hub: str = "civitai") -> Alert:
    return Alert(
        kind="spike", hub=hub, day=date(2025, 5, 1), severity="high", title="t", observed=9, expected=2
    )


class Recorder:
    def __init__(self, name: str, fail: bool = False, reject: bool = False) -> None:
        self.name, self.fail, self.reject, self.sent = name, fail, reject, []

    def send(self, alert: Alert, now: datetime) -> None:
        if self.reject:
            raise DeliveryRejected("HTTP 400: invalid_blocks")
        if self.fail:
            raise DeliveryError("HTTP 500: boom")
        self.sent.append(alert.alert_id)


@pytest.fixture
def con(tmp_path):
    connection = duckdb.connect(str(tmp_path / "w.duckdb"))
    yield connection
    connection.close()


def opened(con):
    """The history as ``deliver_due`` opens it: here one connection, kept open."""
    return lambda: nullcontext(con)


def test_recording_twice_keeps_one_row_and_returns_only_new(con):
    both = ["slack", "email"]
    assert history.record(con, [alert()], lambda a: both, NOW) == [alert()]
    assert history.record(con, [alert(), alert("huggingface")], lambda a: both, NOW) == [alert("huggingface")]
    assert con.execute("select count(*) from alerts").fetchone() == (2,)
    assert con.execute("select count(*) from alert_deliveries where status = 'pending'").fetchone() == (4,)
    assert history.alerts_between(con, date(2025, 5, 1), date(2025, 5, 1))[0] == alert()


def test_failed_delivery_is_retried_with_backoff_and_others_are_not_blocked(con):
    slack, email = Recorder("slack", fail=True), Recorder("email")
    history.record(con, [alert()], lambda a: ["slack", "email"], NOW)
    report = deliver_due(opened(con), {"slack": slack, "email": email}, NOW)
    assert email.sent == [alert().alert_id] and report.failed["slack"] == 1
    row = con.execute("select status, attempts, last_error, next_attempt_at from alert_deliveries "
                      "where channel = 'slack'").fetchone()  # fmt: skip
    assert row == ("failed", 1, "HTTP 500: boom", NOW + timedelta(minutes=5))
    assert deliver_due(opened(con), {"slack": slack, "email": email}, NOW + timedelta(minutes=1)).failed == {}
    slack.fail = False
    later = deliver_due(opened(con), {"slack": slack, "email": email}, NOW + timedelta(minutes=6))
    assert later.delivered == {"slack": 1} and email.sent == [alert().alert_id]
    assert history.delivery_counts(con) == {("slack", "delivered"): 1, ("email", "delivered"): 1}


def test_suppressed_deliveries_are_never_sent(con):
    channel = Recorder("slack")
    history.record(con, [alert()], lambda a: ["slack"], NOW, suppress_delivery=True)
    history.record(con, [alert()], lambda a: ["slack"], NOW)  # a later normal run of the same day
    deliver_due(opened(con), {"slack": channel}, NOW)
    assert channel.sent == []
    assert history.delivery_counts(con) == {("slack", "suppressed"): 1}


def test_pending_delivery_to_a_channel_no_longer_configured_waits(con):
    history.record(con, [alert()], lambda a: ["slack"], NOW)
    assert deliver_due(opened(con), {}, NOW).delivered == {}
    assert history.delivery_counts(con) == {("slack", "pending"): 1}


def test_a_crashing_channel_is_recorded_as_failed_not_raised(con):
    class Broken:
        name = "webhook"

        def send(self, alert, now):
            raise KeyError("bug")

    email = Recorder("email")
    history.record(con, [alert()], lambda a: ["webhook", "email"], NOW)
    report = deliver_due(opened(con), {"webhook": Broken(), "email": email}, NOW)
    assert report.failed == {"webhook": 1} and email.sent


def test_backoff_doubles_and_is_capped():
    assert [history.retry_delay(n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (5, 10, 20)]
    assert history.retry_delay(30) == timedelta(hours=6)


def test_a_refused_delivery_is_dead_lettered_at_once_and_never_retried(con):
    slack, email = Recorder("slack", reject=True), Recorder("email")
    history.record(con, [alert()], lambda a: ["slack", "email"], NOW)
    report = deliver_due(opened(con), {"slack": slack, "email": email}, NOW)
    assert report.dead_lettered == {"slack": 1} and report.failed == {} and report.delivered == {"email": 1}
    assert report.errors == [f"slack {alert().alert_id}: HTTP 400: invalid_blocks (refused), dead-lettered"]
    row = con.execute("select status, attempts, last_error, next_attempt_at from alert_deliveries "
                      "where channel = 'slack'").fetchone()  # fmt: skip
    assert row == ("dead_letter", 1, "HTTP 400: invalid_blocks (refused)", None)
    slack.reject = False
    later = deliver_due(opened(con), {"slack": slack, "email": email}, NOW + timedelta(days=30))
    assert later.delivered == {} and later.dead_lettered == {} and slack.sent == []
    assert history.delivery_counts(con) == {("slack", "dead_letter"): 1, ("email", "delivered"): 1}


def test_a_delivery_that_keeps_failing_is_dead_lettered_after_max_attempts(con):
    """It was retried forever: a channel down for good now ends in a dead letter."""
    slack = Recorder("slack", fail=True)
    history.record(con, [alert()], lambda a: ["slack"], NOW)
    now, outcomes = NOW, []
    for _ in range(history.MAX_ATTEMPTS + 2):
        report = deliver_due(opened(con), {"slack": slack}, now)
        outcomes.append("failed" if report.failed else "dead" if report.dead_lettered else "-")
        now += history.RETRY_CAP
    assert outcomes == ["failed"] * (history.MAX_ATTEMPTS - 1) + ["dead", "-", "-"]
    row = con.execute("select status, attempts, last_error from alert_deliveries").fetchone()
    assert row == ("dead_letter", 8, "HTTP 500: boom (gave up after 8 attempts)")


def test_dead_letters_become_one_channel_failed_alert_per_channel_and_day(con):
    day_two = Alert(kind="spike", hub="civitai", day=date(2025, 5, 2), severity="high", title="t", observed=9)
    alerts = [alert(), alert("huggingface"), day_two]
    history.record(con, alerts, lambda a: ["slack", "email"], NOW)
    deliver_due(opened(con), {"slack": Recorder("slack", reject=True), "email": Recorder("email")}, NOW)

    raised = channel_failed_alerts(history.dead_letters(con))
    assert [(a.kind, a.hub, a.day, a.subject, a.observed) for a in raised] == [
        ("channel_failed", "all", date(2025, 5, 1), "slack", 2),
        ("channel_failed", "all", date(2025, 5, 2), "slack", 1),
    ]
    assert raised[0].details == {
        "channel": "slack",
        "alert_ids": sorted([alert().alert_id, alert("huggingface").alert_id]),
        "error": "HTTP 400: invalid_blocks (refused)",
    }
    assert "slack failed: 2 alert(s) of 2025-05-01 not delivered (HTTP 400: invalid_blocks" in raised[0].title
    # derived from the history again on every run: the same ids, so recorded once
    assert channel_failed_alerts(history.dead_letters(con)) == raised


def cluster(day: date, subject: str = "doe iane") -> Alert:
    return Alert(kind="target_cluster", hub="all", day=day, severity="medium", title="t", observed=3,
                 expected=3, subject=subject)  # fmt: skip


def test_a_cluster_on_the_same_person_within_the_window_is_not_recorded_again(con):
    day = date(2025, 5, 10)

    def record(alerts: list[Alert]) -> list[Alert]:
        return history.record(con, alerts, lambda a: ["slack"], NOW, repeat_windows={"target_cluster": 7})

    assert record([cluster(day)]) == [cluster(day)]
    assert record([cluster(day - timedelta(days=1)), cluster(day + timedelta(days=6)), alert()]) == [alert()]
    later = [cluster(day + timedelta(days=7)), cluster(day, "roe ana")]
    assert record(later) == later
    # within one batch too (a backfill scoring a campaign that dips and comes back)
    batch = [cluster(day + timedelta(days=30)), cluster(day + timedelta(days=33))]
    assert record(batch) == batch[:1]
    assert con.execute("select count(*) from alert_deliveries").fetchone() == (5,)

"""Hub timestamps as UTC instants: every real form (zone or none, fraction or none) means one instant,
in Python (crawler watermarks) and in staging's ``lw_utc_timestamp`` macro, whatever the session's
time zone."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import jinja2
import pytest

from likeness_watch.hubs.huggingface import HuggingFaceAdapter
from likeness_watch.timestamps import parse_utc, utc_key

INSTANT = datetime(2025, 7, 2, 19, 13, 58, 758000, tzinfo=UTC)
SAME_INSTANT = (
    "2025-07-02T19:13:58.758Z",  # Civitai 2025, Hugging Face
    "2025-07-02T19:13:58.758",  # Civitai 2024 list responses: no zone means UTC
    "2025-07-02T19:13:58.758000Z",
    "2025-07-02T21:13:58.758+02:00",
    "2025-07-02T14:13:58.758-0500",
    "2025-07-02T21:13:58.758+02",
)
WHOLE_SECONDS = ("2025-07-02T19:13:58Z", "2025-07-02T19:13:58")
NOT_TIMESTAMPS = (
    "garbage",
    "2025-07-02",
    "2025-07-02 19:13:58Z",
    "2025-13-02T19:13:58Z",
    "2025-02-30T10:00Z",
    17,
    None,
)


@pytest.mark.parametrize("text", SAME_INSTANT)
def test_every_form_is_one_utc_instant_and_one_key(text):
    assert parse_utc(text) == INSTANT
    assert utc_key(text) == "2025-07-02T19:13:58.758Z"


def test_whole_seconds_and_nanoseconds():
    assert {parse_utc(text) for text in WHOLE_SECONDS} == {INSTANT.replace(microsecond=0)}
    assert parse_utc("2025-07-02T19:13:58.758123456Z") == INSTANT.replace(microsecond=758123)


@pytest.mark.parametrize("value", NOT_TIMESTAMPS)
def test_what_is_not_a_timestamp_is_none(value):
    assert parse_utc(value) is None and utc_key(value) is None


def test_keys_compare_in_time_order_across_forms():
    """As text, ``...58Z`` sorts after ``...58.758Z`` and an offset anywhere: keys do not."""
    keys = [
        utc_key(text)
        for text in ("2025-07-02T19:13:58Z", "2025-07-02T19:13:58.758", "2025-07-02T21:14:00+02:00")
    ]
    assert keys == sorted(keys)


def test_hugging_face_watermark_key_is_utc():
    adapter = HuggingFaceAdapter.__new__(HuggingFaceAdapter)  # order_key needs no client
    assert adapter.order_key({"createdAt": "2025-07-02T21:13:58.758+02:00"}) == "2025-07-02T19:13:58.758Z"
    assert adapter.order_key({"createdAt": "2023-10-05T13:31:16.745"}) == "2023-10-05T13:31:16.745Z"
    assert adapter.order_key({"createdAt": "9999-not-a-date"}) is None


@pytest.fixture(scope="module")
def macro_sql(repo_root):
    source = (repo_root / "dbt_project" / "macros" / "timestamps.sql").read_text()
    return jinja2.Environment(autoescape=False).from_string(source + "{{ lw_utc_timestamp('x') }}").render()


@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Asia/Kolkata"])
def test_staging_macro_reads_every_form_as_the_same_utc_instant(macro_sql, zone):
    con = duckdb.connect()
    con.execute(f"set TimeZone = '{zone}'")
    texts = [*SAME_INSTANT, *WHOLE_SECONDS, "garbage", "2025-02-30T10:00:00Z", None]
    rows = con.execute(f"select {macro_sql} from unnest(?::varchar[]) as t(x)", [texts]).fetchall()
    naive = INSTANT.replace(tzinfo=None)
    assert [row[0] for row in rows] == [naive] * len(SAME_INSTANT) + [naive.replace(microsecond=0)] * 2 + [
        None
    ] * 3

"""Fault specs, reproducible fault draws, and what each fault does to a reply."""

from __future__ import annotations

import json

import pytest

from hubsim.faults import (
    FAULTS,
    PAGE,
    Fault,
    FaultPlan,
    alter_body,
    alter_items,
    error_reply,
    parse,
)


def test_parse_spec_with_hubs_and_rates():
    assert parse("civitai:429=0.1, 5xx=0.05,huggingface:drift,") == (
        Fault("civitai", "429", 0.1),
        Fault(None, "5xx", 0.05),
        Fault("huggingface", "drift", 1.0),
    )
    assert parse("") == ()
    assert {f.name for f in parse(",".join(FAULTS))} == set(FAULTS)


@pytest.mark.parametrize(
    "spec", ["teapot", "civitai:418", "tensorart:429", "429=lots", "429=1.5", "5xx=-0.1"]
)
def test_parse_rejects_bad_specs(spec):
    with pytest.raises(ValueError):
        parse(spec)


def test_draws_are_reproducible_and_respect_hub_and_rate():
    a, b = FaultPlan("civitai:429=0.3,5xx=0.2", seed=1), FaultPlan("civitai:429=0.3,5xx=0.2", seed=1)
    draws = [a.draw("civitai", paged=True) for _ in range(200)]
    assert draws == [b.draw("civitai", paged=True) for _ in range(200)]
    assert 30 < sum("429" in d for d in draws) < 90
    hf = FaultPlan("civitai:429", seed=1)
    assert all(hf.draw("huggingface", paged=True) == [] for _ in range(50))
    assert all(FaultPlan("429=0", seed=1).draw("civitai", paged=False) == [] for _ in range(50))


def test_page_faults_only_fire_on_list_endpoints():
    plan = FaultPlan(",".join(PAGE) + ",drift", seed=3)
    assert plan.draw("civitai", paged=False) == ["drift"]
    assert plan.draw("civitai", paged=True) == [*PAGE, "drift"]


def test_error_replies():
    plan = FaultPlan("", seed=0)
    throttled = error_reply(plan, "civitai", ["429"])
    assert throttled.status == 429 and throttled.headers["Retry-After"] == "1"
    statuses, html = set(), 0
    for _ in range(60):
        reply = error_reply(plan, "civitai", ["5xx"])
        statuses.add(reply.status)
        html += reply.content_type.startswith("text/html")
    assert statuses == {500, 502, 503, 524} and 0 < html < 60
    assert error_reply(plan, "huggingface", ["5xx"]).content_type.startswith("application/json")
    assert error_reply(plan, "civitai", ["drift"]) is None


@pytest.mark.parametrize("fault", ["malformed", "truncated"])
def test_broken_bodies_are_not_json(fault):
    for body in (b"[]", b'{"items":[{"id":1}],"metadata":{}}', json.dumps([{"id": "a/b"}] * 50).encode()):
        with pytest.raises(ValueError):
            json.loads(alter_body([fault], body))


def civitai_items():
    return [
        {"id": i, "nsfwLevel": 1, "creator": {"username": "x"}, "stats": {"downloadCount": 10 * i + 5}}
        for i in range(4)
    ]


def test_drift_adds_a_field_and_renames_or_drops_required_ones():
    items = civitai_items()
    alter_items("civitai", ["drift"], items)
    assert all("lockedProperties" in i and "nsfw_level" in i and "nsfwLevel" not in i for i in items)
    assert all("creator" not in i for i in items)
    hf = [{"_id": "x", "id": "a/b", "modelId": "a/b", "createdAt": "2025-01-01T00:00:00.000Z"}]
    alter_items("huggingface", ["drift"], hf)
    assert hf == [{"_id": "x", "id": "a/b", "created_at": "2025-01-01T00:00:00.000Z", "inference": "warm"}]


def test_negative_and_null_stats():
    items = civitai_items()
    alter_items("civitai", ["negative-stats"], items)
    assert [i["stats"]["downloadCount"] < 0 for i in items] == [True, False, True, False]
    items = civitai_items()
    alter_items("civitai", ["null-stats"], items)
    assert items[0]["id"] is None and items[2]["stats"] == {"downloadCount": None}
    hf = [{"_id": str(i), "downloads": 3, "likes": 1} for i in range(3)]
    alter_items("huggingface", ["negative-stats", "null-stats"], hf)
    assert hf[0]["_id"] is None and hf[0]["downloads"] < 0 and hf[2]["downloads"] is None

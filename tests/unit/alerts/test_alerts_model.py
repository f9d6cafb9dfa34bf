"""Alert identity: stable, distinct per subject, safe as a file name, round-trips through JSON."""

from __future__ import annotations

import json
import re
from datetime import date

from likeness_watch.alerts.model import Alert, ModelRef


def make(**changes) -> Alert:
    base = {"kind": "target_cluster", "hub": "all", "day": date(2025, 5, 1), "severity": "medium",
            "title": "t", "observed": 3.0, "subject": "lee minji"}  # fmt: skip
    return Alert(**{**base, **changes})


def test_id_depends_on_what_the_alert_is_about_not_on_its_numbers():
    assert make().alert_id == make(observed=5.0, title="other", severity="high").alert_id
    assert make().alert_id != make(subject="kim jisoo").alert_id
    assert make().alert_id != make(day=date(2025, 5, 2)).alert_id
    assert re.fullmatch(r"20250501-target-cluster-all-[0-9a-f]{12}", make().alert_id)


def test_round_trip_through_json():
    alert = make(top_models=(ModelRef("civitai", "1", "n", "https://civitai.com/models/1", "T", None),),
                 details={"hubs": ["civitai"]}, p_value=1e-4, expected=2.5)  # fmt: skip
    assert Alert.from_dict(json.loads(json.dumps(alert.to_dict()))) == alert

"""Spike detection and alert delivery to trust-and-safety channels (see docs/alerts.md)."""

from likeness_watch.alerts.model import KINDS, SEVERITIES, Alert, ModelRef
from likeness_watch.alerts.run import AlertRun, run_alerts, run_alerts_range

__all__ = ["KINDS", "SEVERITIES", "Alert", "AlertRun", "ModelRef", "run_alerts", "run_alerts_range"]

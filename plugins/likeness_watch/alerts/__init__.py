"""Spike detection and alert delivery to trust-and-safety channels (see docs/alerts.md).

The package re-exports only the alert model: the run (``likeness_watch.alerts.run``) reads the
warehouse and the quality results, and importing it here would make every importer of the model
(the quality gates' publish step among them) depend on all of that.
"""

from likeness_watch.alerts.model import KINDS, SEVERITIES, Alert, ModelRef

__all__ = ["KINDS", "SEVERITIES", "Alert", "ModelRef"]

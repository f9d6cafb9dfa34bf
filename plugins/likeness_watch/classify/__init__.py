"""Likeness classifier: does a hub model imitate a real, identifiable person, and whom?

One implementation, called directly by the warehouse (a dbt Python model) and by tests::

    from likeness_watch.classify import classify, classify_frame, CLASSIFIER_VERSION

``classify(signals)`` takes one normalised model (the staging schema: hub, name, type, tags,
description, trained_words, poi, nsfw, nsfw_level, base_model, creator) and returns a decision dict
(is_likeness, likeness_confidence, likeness_reasons, target_name, target_gender[_confidence],
target_country[_confidence], target_prominence, nsfw_intent, nsfw_reasons, classifier_version).
``classify_frame(df)`` does the same for a DataFrame. Metadata only; no network lookups.
"""

from likeness_watch.classify.classifier import classifier_version, classify
from likeness_watch.classify.frame import DECISION_COLUMNS, classify_frame

CLASSIFIER_VERSION = classifier_version()

__all__ = ["CLASSIFIER_VERSION", "DECISION_COLUMNS", "classify", "classify_frame"]

"""The trust-and-safety review loop: what reviewers look at and what they decide about a model.

Modules are imported directly (``likeness_watch.review.decisions``, ...): the package imports
nothing, so the light CLI commands stay light.
"""

"""Immutable raw partitions: ``raw/hub=<hub>/dt=<YYYY-MM-DD>/`` committed by a manifest written last."""

from likeness_watch.raw.layout import manifest_key, partition_prefix
from likeness_watch.raw.manifest import Manifest
from likeness_watch.raw.reader import committed_partitions, iter_envelopes, latest_before, read_manifest
from likeness_watch.raw.writer import PartitionWriter

__all__ = [
    "Manifest",
    "PartitionWriter",
    "committed_partitions",
    "iter_envelopes",
    "latest_before",
    "manifest_key",
    "partition_prefix",
    "read_manifest",
]

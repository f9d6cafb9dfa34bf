"""Immutable raw partitions: ``raw/hub=<hub>/dt=<YYYY-MM-DD>/`` committed by a manifest written last."""

from likeness_watch.raw.layout import manifest_key, partition_prefix
from likeness_watch.raw.manifest import Manifest
from likeness_watch.raw.reader import (
    ChecksumError,
    checksum_mismatch,
    committed_partitions,
    iter_envelopes,
    iter_partition,
    latest_before,
    read_manifest,
)
from likeness_watch.raw.writer import PartitionWriter, remove_superseded

__all__ = [
    "ChecksumError",
    "Manifest",
    "PartitionWriter",
    "checksum_mismatch",
    "committed_partitions",
    "iter_envelopes",
    "iter_partition",
    "latest_before",
    "manifest_key",
    "partition_prefix",
    "read_manifest",
    "remove_superseded",
]

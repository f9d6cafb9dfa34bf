"""S3 (or MinIO / moto) store through boto3.

The endpoint comes from ``AWS_ENDPOINT_URL`` and credentials the usual boto3 way; inside Airflow
the DAG passes a client built from the ``aws_default`` connection instead.
"""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from likeness_watch.store.base import ObjectStore, StoreError

_CLIENT_CONFIG = Config(retries={"mode": "standard", "max_attempts": 5}, connect_timeout=5, read_timeout=30)


class S3Store(ObjectStore):
    """Objects live under ``s3://bucket/prefix/``."""

    def __init__(self, uri: str, client: Any | None = None) -> None:
        bucket, _, prefix = uri.removeprefix("s3://").partition("/")
        if not bucket:
            raise StoreError(f"invalid S3 URI {uri!r}: expected s3://bucket[/prefix]")
        self.uri = uri
        self.bucket = bucket
        self.prefix = prefix.strip("/")
        self.client = client or boto3.client("s3", config=_CLIENT_CONFIG)

    def _key(self, key: str) -> str:
        return f"{self.prefix}/{key}" if self.prefix else key

    def _call(self, action: str, key: str, fn: Any, **kwargs: Any) -> Any:
        try:
            return fn(Bucket=self.bucket, **kwargs)
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "?")
            raise StoreError(f"S3 {action} s3://{self.bucket}/{self._key(key)} failed: {code}") from exc
        except BotoCoreError as exc:
            raise StoreError(f"S3 {action} s3://{self.bucket}/{self._key(key)} failed: {exc}") from exc

    def put_bytes(self, key: str, data: bytes) -> None:
        self._call("put", key, self.client.put_object, Key=self._key(key), Body=data)

    def put_if_absent(self, key: str, data: bytes) -> bool:
        """A conditional put (``If-None-Match: *``): S3 refuses it with 412 when the key exists
        (409 while another conditional put of it is in flight)."""
        try:
            self.client.put_object(Bucket=self.bucket, Key=self._key(key), Body=data, IfNoneMatch="*")
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "?")
            if code in {"PreconditionFailed", "ConditionalRequestConflict"}:
                return False
            raise StoreError(f"S3 put s3://{self.bucket}/{self._key(key)} failed: {code}") from exc
        except BotoCoreError as exc:
            raise StoreError(f"S3 put s3://{self.bucket}/{self._key(key)} failed: {exc}") from exc
        return True

    def get_bytes(self, key: str) -> bytes:
        response = self._call("get", key, self.client.get_object, Key=self._key(key))
        return response["Body"].read()

    def exists(self, key: str) -> bool:
        try:
            self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in {"404", "NoSuchKey", "NotFound"}:
                return False
            raise StoreError(f"S3 head s3://{self.bucket}/{self._key(key)} failed") from exc
        except BotoCoreError as exc:
            raise StoreError(f"S3 head s3://{self.bucket}/{self._key(key)} failed: {exc}") from exc
        return True

    def list(self, prefix: str) -> list[str]:
        full = self._key(prefix)
        strip = len(self.prefix) + 1 if self.prefix else 0
        keys: list[str] = []
        try:
            for page in self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=full
            ):
                keys.extend(item["Key"][strip:] for item in page.get("Contents", []))
        except (ClientError, BotoCoreError) as exc:
            raise StoreError(f"S3 list s3://{self.bucket}/{full} failed: {exc}") from exc
        return sorted(keys)

    def delete(self, key: str) -> None:
        self._call("delete", key, self.client.delete_object, Key=self._key(key))

    def remove_temporary(self, prefix: str) -> None:
        """Nothing to do: a put is one request, an interrupted one leaves no object."""

    def url(self, key: str) -> str:
        return f"s3://{self.bucket}/{self._key(key)}"

    def check(self) -> None:
        self._call("head-bucket", "", self.client.head_bucket)

"""Where jobs read their input and write their output: ``s3://`` objects.

A job names an ``s3://bucket/key`` (one object) or an ``s3://bucket/prefix/`` (every
object under it). The fake never reaches the network for one, so the bytes come from,
in this order:

1. objects a test handed the fake (``fake.put_object``), kept in the store;
2. otherwise S3 through a boto3 client, but only when S3 is faked: moto's ``mock_aws``
   is active in this process, or ``Settings.s3_endpoint_url`` names an S3 server (moto
   server, LocalStack);
3. otherwise nothing: the job fails with a reason that says how to give the data.

Outputs (export jobs) go to S3 when S3 is faked that way, else into the store, where
``fake.objects(prefix)`` reads them. Import, deletion and batch jobs share this module:
:func:`read` (the objects at a location), :func:`write`, and :func:`split` /
:func:`check_location` for a location's syntax.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

from personalize_fake._errors import InvalidInput

if TYPE_CHECKING:
    from personalize_fake._state.store import Store

HOW_TO_GIVE = (
    "personalize-fake reads S3 only from moto's mock_aws (active in this process) or an S3 "
    "server named by the s3_endpoint_url setting; without one, hand it the bytes with "
    'fake.put_object("{location}", data)'
)


class ObjectError(Exception):
    """An object cannot be read or written; the message is a job's failure reason."""


def split(location: str) -> tuple[str, str]:
    """``s3://bucket/key`` -> ``(bucket, key)``; the key may be empty or a prefix.

    Raises:
        ValueError: not ``s3://`` and a bucket.
    """
    bucket, _, key = location.removeprefix("s3://").partition("/")
    if not bucket or not location.startswith("s3://"):
        raise ValueError(f"not an s3://bucket/... location: {location!r}")
    return bucket, key


def check_location(location: str) -> str:
    """The location itself when it is ``s3://<bucket>/...``; InvalidInput
    ``Invalid Data location.`` otherwise (the service's text)."""
    try:
        split(location)
    except ValueError:
        raise InvalidInput("Invalid Data location.") from None
    return location


def is_prefix(location: str) -> bool:
    """Whether a location names every object under it (it ends in ``/``, or is a bucket)."""
    return location.endswith("/") or not split(location)[1]


def moto_active() -> bool:
    """Whether moto's ``mock_aws`` is faking AWS in this process (moto is never imported here:
    only a test that imported it can have started it)."""
    models = sys.modules.get("moto.core.models")
    stubber = getattr(models, "botocore_stubber", None)
    return bool(getattr(stubber, "enabled", False))


def _s3(store: Store, region: str) -> Any | None:
    """A boto3 S3 client of the faked S3, or None when S3 is not faked."""
    endpoint = store.settings.s3_endpoint_url
    if endpoint is None and not moto_active():
        return None
    import boto3
    from botocore.config import Config

    session = boto3.session.Session()
    options: dict[str, Any] = {"region_name": region}
    if endpoint is not None:
        options["endpoint_url"] = endpoint
        options["config"] = Config(  # what moto server and LocalStack answer; fail fast
            s3={"addressing_style": "path"}, retries={"total_max_attempts": 2}, connect_timeout=5
        )
        if session.get_credentials() is None:  # moto server and LocalStack take any
            options.update(aws_access_key_id="testing", aws_secret_access_key="testing")
    return session.client("s3", **options)


def _held(store: Store, location: str) -> list[tuple[str, bytes]]:
    """The objects handed to the fake at ``location`` (under it, for a prefix), by key."""
    objects = store.objects
    if not is_prefix(location):
        found = objects.get(location)
        return [] if found is None else [(location, found)]
    return sorted((name, data) for name, data in objects.items() if name.startswith(location))


def read(store: Store, location: str, region: str) -> list[tuple[str, bytes]]:
    """The objects at ``location`` as ``(s3 location, bytes)`` in key order: one, or every
    object under a prefix (folder markers, keys ending in ``/``, left out).

    Raises:
        ObjectError: nothing is there, S3 refused, or there is nowhere to read from.
    """
    held = _held(store, location)
    if held:
        return held
    client = _s3(store, region)
    if client is None:
        where = "No object" if not is_prefix(location) else "No object under that prefix"
        raise ObjectError(
            f"{where} was given for {location}: " + HOW_TO_GIVE.format(location=location)
        )
    bucket, key = split(location)
    try:
        if not is_prefix(location):
            return [(location, client.get_object(Bucket=bucket, Key=key)["Body"].read())]
        found = []
        paginator = client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=bucket, Prefix=key):
            for entry in page.get("Contents", ()):
                name = entry["Key"]
                if not name.endswith("/"):
                    body = client.get_object(Bucket=bucket, Key=name)["Body"].read()
                    found.append((f"s3://{bucket}/{name}", body))
    except Exception as exc:  # botocore's ClientError and the like: the job fails
        raise ObjectError(f"Cannot read {location} from S3: {_why(exc)}") from None
    if not found:
        raise ObjectError(f"No object was found under {location} in S3")
    return found


def write(store: Store, location: str, data: bytes, region: str) -> None:
    """Write one object: to the faked S3 when there is one, else into the store.

    Raises:
        ObjectError: S3 refused (no such bucket...).
    """
    client = _s3(store, region)
    if client is None:
        store.put_object(location, data)
        return
    bucket, key = split(location)
    try:
        client.put_object(Bucket=bucket, Key=key, Body=data)
    except Exception as exc:
        raise ObjectError(f"Cannot write {location} to S3: {_why(exc)}") from None


def _why(exc: Exception) -> str:
    """What S3 said (``NoSuchKey: The specified key does not exist.``), or the exception."""
    error = getattr(exc, "response", {}).get("Error", {})
    if error.get("Code"):
        return f"{error['Code']}: {error.get('Message', '')}".rstrip(": ")
    return f"{type(exc).__name__}: {exc}"

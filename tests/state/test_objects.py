"""Where jobs read and write ``s3://`` objects: the handle, moto's S3, an S3 endpoint, nowhere."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar

import boto3
import pytest
from moto import mock_aws

from personalize_fake._errors import InvalidInput
from personalize_fake._settings import Settings
from personalize_fake._state import objects
from personalize_fake._state.objects import ObjectError
from personalize_fake._state.store import Store


class TinyS3(BaseHTTPRequestHandler):
    """Path-style GET and PUT of objects, as an S3 server answers them (no signatures)."""

    held: ClassVar[dict[str, bytes]] = {}

    def do_GET(self) -> None:
        body = self.held.get(self.path)
        if body is None:
            error = b"<Error><Code>NoSuchKey</Code><Message>No such key.</Message></Error>"
            self.send_response(404)
            self.send_header("Content-Length", str(len(error)))
            self.end_headers()
            self.wfile.write(error)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_PUT(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        self.held[self.path] = self.rfile.read(length)
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def endpoint() -> Iterator[str]:
    """The URL of a tiny S3 server on this machine, holding ``/bucket/in.csv``."""
    TinyS3.held = {"/bucket/in.csv": b"USER_ID\nu1\n"}
    server = ThreadingHTTPServer(("127.0.0.1", 0), TinyS3)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_objects_handed_to_the_fake_come_first() -> None:
    """An object in the store is read as it is; a prefix reads every one under it, by key."""
    store = Store(Settings())
    store.objects.update({"s3://b/in/2.csv": b"2", "s3://b/in/1.csv": b"1", "s3://b/x": b"x"})
    assert objects.read(store, "s3://b/x", "us-east-1") == [("s3://b/x", b"x")]
    assert objects.read(store, "s3://b/in/", "us-east-1") == [
        ("s3://b/in/1.csv", b"1"),
        ("s3://b/in/2.csv", b"2"),
    ]


def test_without_an_s3_fake_nothing_is_read_and_outputs_stay_in_the_store() -> None:
    """With no object, no moto and no endpoint, reading says how to give the data; writes
    go into the store."""
    store = Store(Settings())
    assert not objects.moto_active()
    with pytest.raises(ObjectError, match=r'fake.put_object\("s3://b/k", data\)'):
        objects.read(store, "s3://b/k", "us-east-1")
    objects.write(store, "s3://b/out.csv", b"data", "us-east-1")
    assert store.objects == {"s3://b/out.csv": b"data"}


def test_moto_is_used_while_it_is_active() -> None:
    """Inside mock_aws the objects of moto's S3 are read, and outputs written there."""
    store = Store(Settings())
    with mock_aws():
        assert objects.moto_active()
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket="bucket")
        s3.put_object(Bucket="bucket", Key="a/1.csv", Body=b"1")
        s3.put_object(Bucket="bucket", Key="a/", Body=b"")  # a folder marker: left out
        assert objects.read(store, "s3://bucket/a/", "us-east-1") == [("s3://bucket/a/1.csv", b"1")]
        objects.write(store, "s3://bucket/out.csv", b"out", "us-east-1")
        assert s3.get_object(Bucket="bucket", Key="out.csv")["Body"].read() == b"out"
        with pytest.raises(ObjectError, match="NoSuchBucket"):
            objects.read(store, "s3://other/x.csv", "us-east-1")
    assert not objects.moto_active()
    assert store.objects == {}


def test_an_endpoint_setting_names_an_s3_server(endpoint: str) -> None:
    """``s3_endpoint_url`` sends reads and writes to that server, path-style."""
    store = Store(Settings(s3_endpoint_url=endpoint))
    assert objects.read(store, "s3://bucket/in.csv", "us-east-1") == [
        ("s3://bucket/in.csv", b"USER_ID\nu1\n")
    ]
    objects.write(store, "s3://bucket/out/part.csv", b"x", "us-east-1")
    assert TinyS3.held["/bucket/out/part.csv"] == b"x"
    with pytest.raises(ObjectError, match="NoSuchKey"):
        objects.read(store, "s3://bucket/none.csv", "us-east-1")


def test_the_endpoint_setting_defaults_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """PERSONALIZE_FAKE_S3_ENDPOINT_URL sets the default (so ``serve`` takes it); a value
    that is not an http(s) URL is a ValueError."""
    monkeypatch.setenv("PERSONALIZE_FAKE_S3_ENDPOINT_URL", "http://127.0.0.1:4566")
    assert Settings().s3_endpoint_url == "http://127.0.0.1:4566"
    with pytest.raises(ValueError, match="s3_endpoint_url must be an http"):
        Settings(s3_endpoint_url="localhost:4566")


@pytest.mark.parametrize("location", ["s3://", "s3:///key", "http://b/k", "b/k", ""])
def test_a_location_must_name_a_bucket(location: str) -> None:
    """Anything but ``s3://<bucket>/...`` is the service's ``Invalid Data location.``"""
    with pytest.raises(InvalidInput, match=r"^Invalid Data location\.$"):
        objects.check_location(location)

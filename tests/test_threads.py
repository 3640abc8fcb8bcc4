"""Threads share one fake safely: each operation runs whole under the store's lock."""

from __future__ import annotations

import threading
import time
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from personalize_fake import PersonalizeFake
from personalize_fake._state import lifecycle


def test_one_name_created_once_however_many_threads_race(
    personalize_fake: PersonalizeFake, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Eight threads creating one name: one succeeds, the rest get ResourceAlreadyExists."""
    original = lifecycle.begin_create

    def slow(*args: Any) -> None:  # widen the gap between the name check and the insert
        time.sleep(0.002)
        original(*args)

    monkeypatch.setattr(lifecycle, "begin_create", slow)
    start = threading.Barrier(8)
    outcomes: list[str] = []

    def create() -> None:
        client = boto3.session.Session().client("personalize", region_name="us-east-1")
        start.wait()
        try:
            client.create_dataset_group(name="shop")
            outcomes.append("created")
        except ClientError as exc:
            outcomes.append(exc.response["Error"]["Code"])

    threads = [threading.Thread(target=create) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["ResourceAlreadyExistsException"] * 7 + ["created"]

"""A server's import data through ``/_fake/put-object``, its exports through ``/_fake/objects``."""

from __future__ import annotations

import base64

from support import admin, client, make_dataset

from personalize_fake.server import serving

ROLE = "arn:aws:iam::123456789012:role/r"


def test_a_pipeline_over_http_gets_its_data_through_the_admin_surface() -> None:
    """Put an object, import it with a boto3 client of the server, read the rows and the
    export back over HTTP."""
    with serving(lifecycle="instant", import_min_interactions=0) as (url, _):
        personalize = client("personalize", url)
        group = personalize.create_dataset_group(name="g")["datasetGroupArn"]
        dataset = make_dataset(
            personalize, group, "Interactions", ["USER_ID", "ITEM_ID", "TIMESTAMP"]
        )
        data = "USER_ID,ITEM_ID,TIMESTAMP\nu1,i1,100\n"
        put = admin(url, "POST", "put-object", {"location": "s3://b/in.csv", "body": data})
        assert (put.status, put.json) == (200, {"location": "s3://b/in.csv", "size": len(data)})
        personalize.create_dataset_import_job(
            jobName="in", datasetArn=dataset, dataSource={"dataLocation": "s3://b/in.csv"}
        )
        rows = admin(url, "GET", f"interactions?datasetArn={dataset}").json["interactions"]
        assert rows == [{"USER_ID": "u1", "ITEM_ID": "i1", "TIMESTAMP": 100}]
        personalize.create_dataset_export_job(
            jobName="out",
            datasetArn=dataset,
            ingestionMode="BULK",
            roleArn=ROLE,
            jobOutput={"s3DataDestination": {"path": "s3://b/out/"}},
        )
        listed = admin(url, "GET", "objects?prefix=s3://b/out/").json
        assert listed == {"objects": [{"location": "s3://b/out/out/part-00000.csv", "body": data}]}


def test_bytes_go_as_base64_and_bad_requests_are_400() -> None:
    """``base64`` carries bytes that are not UTF-8 both ways; a bad location or body is a 400."""
    with serving() as (url, fake):
        raw = b"\xff\xfe"
        encoded = base64.b64encode(raw).decode()
        assert (
            admin(url, "POST", "put-object", {"location": "s3://b/k", "base64": encoded}).status
            == 200
        )
        assert fake.objects() == {"s3://b/k": raw}
        assert admin(url, "GET", "objects").json == {
            "objects": [{"location": "s3://b/k", "base64": encoded}]
        }
        for body in (
            {"location": "b/k", "body": "x"},
            {"location": "s3://b/k"},
            {"location": "s3://b/k", "body": "x", "base64": encoded},
            {"location": "s3://b/k", "base64": "%%%"},
        ):
            answer = admin(url, "POST", "put-object", body)
            assert (answer.status, answer.json["__type"]) == (400, "BadRequest"), body

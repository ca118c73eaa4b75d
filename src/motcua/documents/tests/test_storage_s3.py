"""Documents go through django-storages: here against a local S3-compatible server (moto in
server mode on 127.0.0.1, started by the test)."""

import boto3
import pytest
from moto.server import ThreadedMotoServer

from motcua.documents import services, storage
from motcua.documents.tests.factories import approved_record
from motcua.documents.verification import Verdict, verify_pdf


@pytest.fixture(scope="module")
def s3_server():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def s3(settings, s3_server):
    settings.MOTCUA_STORAGE = "s3"
    settings.MOTCUA_S3_BUCKET = "motcua-test"
    settings.MOTCUA_S3_ENDPOINT_URL = s3_server
    settings.MOTCUA_S3_REGION = "us-east-1"
    settings.MOTCUA_S3_ACCESS_KEY = "testing"
    settings.MOTCUA_S3_SECRET_KEY = "testing"
    client = boto3.client(
        "s3",
        endpoint_url=s3_server,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    client.create_bucket(Bucket="motcua-test")
    yield client
    for item in client.list_objects_v2(Bucket="motcua-test").get("Contents", []):
        client.delete_object(Bucket="motcua-test", Key=item["Key"])
    client.delete_bucket(Bucket="motcua-test")


def test_results_are_stored_and_signed_in_object_storage(s3, pki, procedure):
    record = approved_record(pki, procedure)
    document = services.result_generate(actor=pki.leader, record=record)
    services.result_sign(actor=pki.leader, document=document, role="signer")
    document = services.result_sign(actor=pki.leader, document=document, role="seal")
    keys = {item["Key"] for item in s3.list_objects_v2(Bucket="motcua-test")["Contents"]}
    assert document.storage_name in keys
    assert len(keys) == 3  # the draft and one file per signature
    body = s3.get_object(Bucket="motcua-test", Key=document.storage_name)["Body"].read()
    assert storage.sha256(body) == document.sha256
    assert verify_pdf(body).verdict == Verdict.VALID


def test_a_failed_write_leaves_no_object_behind(s3, pki, procedure, monkeypatch):
    record = approved_record(pki, procedure)

    def broken(**kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr("motcua.documents.models.ResultDocument.objects.create", broken)
    with pytest.raises(RuntimeError):
        services.result_generate(actor=pki.leader, record=record)
    assert s3.list_objects_v2(Bucket="motcua-test").get("KeyCount", 0) == 0

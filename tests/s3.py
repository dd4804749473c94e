"""A local S3-compatible server for tests and benchmarks: moto in server mode
on a free loopback port (no network, no account), with one private bucket
created. `moto_s3()` starts it; `.settings` are the FILES_* settings that point
the files app at it (tenant_apps/files/storage.py)."""

from __future__ import annotations

import logging
import socket
from dataclasses import dataclass, field
from typing import Any

import boto3
from moto.server import ThreadedMotoServer

BUCKET = "medspa-files-test"
REGION = "us-east-1"
ACCESS_KEY = "moto-test-access-key"
SECRET_KEY = "moto-test-secret-key"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class MotoS3:
    server: ThreadedMotoServer
    endpoint_url: str
    settings: dict[str, Any] = field(default_factory=dict)

    def client(self) -> Any:
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name=REGION,
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def keys(self, prefix: str = "") -> set[str]:
        pages = (
            self.client().get_paginator("list_objects_v2").paginate(Bucket=BUCKET, Prefix=prefix)
        )
        return {item["Key"] for page in pages for item in page.get("Contents", [])}

    def stop(self) -> None:
        self.server.stop()


def moto_s3() -> MotoS3:
    """Start moto's S3 on 127.0.0.1 and create the bucket (private, versioned)."""
    # moto's server logs every request through werkzeug: keep test output clean.
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    s3 = MotoS3(
        server=server,
        endpoint_url=endpoint,
        settings={
            "FILES_BACKEND": "s3",
            "FILES_S3_BUCKET": BUCKET,
            "FILES_S3_ENDPOINT_URL": endpoint,
            "FILES_S3_REGION": REGION,
            "FILES_S3_ACCESS_KEY_ID": ACCESS_KEY,
            "FILES_S3_SECRET_ACCESS_KEY": SECRET_KEY,
        },
    )
    client = s3.client()
    client.create_bucket(Bucket=BUCKET)
    client.put_bucket_versioning(Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"})
    return s3

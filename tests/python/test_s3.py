"""storage_options reach the S3 store: a table written to and read from a moto S3 server
(skipped when the extension was built without the S3 store or moto_server is not on PATH)."""

import os
import shutil
import socket
import subprocess
import time
import urllib.request

import numpy as np
import pandas as pd
import pytest

from deltacpp import DeltaTable, TableNotFoundError, _native, write_deltalake


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def moto(tmp_path_factory):
    if not _native.has_s3:
        pytest.skip("extension built without the S3 store")
    exe = shutil.which("moto_server")
    if exe is None:
        pytest.skip("moto_server not on PATH")
    port = free_port()
    log = open(str(tmp_path_factory.mktemp("moto") / "moto.log"), "w")
    proc = subprocess.Popen([exe, "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=log)
    endpoint = "http://127.0.0.1:%d" % port
    try:
        deadline = time.time() + 60  # a loaded machine can take a while to start it
        while time.time() < deadline:
            if proc.poll() is not None:
                pytest.fail("moto_server exited (%d)" % proc.returncode)
            try:
                urllib.request.urlopen(urllib.request.Request(endpoint + "/moto-api/reset", method="POST"), timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("moto_server did not start")
        yield endpoint
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        log.close()


def test_write_and_read_through_storage_options(moto):
    opts = {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": moto, "AWS_ALLOW_HTTP": "true"}
    # The bucket is made with the AWS CLI when there is one, else by our store on first write.
    aws = shutil.which("aws")
    if aws:
        env = dict(os.environ, AWS_ACCESS_KEY_ID="test", AWS_SECRET_ACCESS_KEY="test", AWS_DEFAULT_REGION="us-east-1")
        subprocess.run([aws, "--endpoint-url", moto, "s3", "mb", "s3://pytest"], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    uri = "s3://pytest/tables/t"
    assert not DeltaTable.is_deltatable(uri, storage_options=opts)
    with pytest.raises(TableNotFoundError):
        DeltaTable(uri, storage_options=opts)
    df = pd.DataFrame({"id": np.arange(100, dtype=np.int64), "p": ["a", "b"] * 50})
    write_deltalake(uri, df, partition_by=["p"], storage_options=opts)
    t = DeltaTable(uri, storage_options=opts)
    write_deltalake(t, df.assign(id=df.id + 100), mode="append")  # the table's options are reused
    assert t.version() == 1
    assert all(u.startswith("s3://pytest/tables/t/p=") for u in t.file_uris())
    back = t.to_pandas()
    assert sorted(back["id"]) == list(range(200))
    assert sorted(t.to_pandas(partitions=[("p", "=", "a")])["id"])[:3] == [0, 2, 4]

"""The IdP's peer in the same run: saml-idp (npm), installed on first use into .cache/bench
(git-ignored) with the samlp 8.0.0 override it needs, served by one Node process per core."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from bench.tools import ROOT, free_port, wait_for, wrk

SOURCE = Path(__file__).resolve().parent / "saml_idp"
CACHE = ROOT / ".cache" / "bench" / "saml-idp"
FILES = ("package.json", "package-lock.json", "cluster.js")
ACS = "https://sso.ringcentral.com/sp/ACS.saml2"
AUDIENCE = "https://sso.ringcentral.com"


def install(cache: Path = CACHE) -> Path:
    """saml-idp as bench/saml_idp/package-lock.json pins it, installed once (`npm ci`, ~35 s);
    again only when those files change."""
    stamp_text = hashlib.sha256(b"".join((SOURCE / f).read_bytes() for f in FILES)).hexdigest()
    stamp = cache / ".installed"
    if stamp.exists() and stamp.read_text() == stamp_text:
        return cache
    cache.mkdir(parents=True, exist_ok=True)
    for name in FILES:
        shutil.copyfile(SOURCE / name, cache / name)
    subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=cache, check=True
    )
    stamp.write_text(stamp_text)
    return cache


@contextmanager
def serve(workers: int) -> Iterator[int]:
    """saml-idp on 127.0.0.1 with a new RSA-2048 key, `workers` Node processes; the port."""
    cache = install()
    with tempfile.TemporaryDirectory() as directory:
        key, cert = Path(directory) / "key.pem", Path(directory) / "cert.pem"
        subprocess.run(
            [
                *("openssl", "req", "-x509", "-new", "-newkey", "rsa:2048", "-nodes"),
                *("-days", "2", "-subj", "/CN=saml-idp bench"),
                *("-keyout", str(key), "-out", str(cert)),
            ],
            check=True,
            capture_output=True,
        )
        port = free_port()
        server = subprocess.Popen(
            ["node", "cluster.js", str(port), str(workers), str(cert), str(key), ACS, AUDIENCE],
            cwd=cache,
            stdout=subprocess.DEVNULL,
            start_new_session=True,  # its workers are killed with it, as one process group
        )
        try:
            wait_for(port, timeout=120)
            yield port
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=10)


def signed_responses(workers: int, seconds: int) -> dict[str, float]:
    """wrk's figures for saml-idp's IdP-initiated sign-ins (after a 2 s warm-up)."""
    with serve(workers) as port:
        url = f"http://127.0.0.1:{port}/signin"
        # As many connections as bench_idp drives our IdP with; a Response can take over
        # wrk's default 2 s on a loaded machine (saml-idp logs each one it signs, ~10 KB).
        script, connections = "saml_idp_signin.lua", 4 * workers
        wrk(url, seconds=2, connections=connections, script=script, timeout=30)
        return wrk(url, seconds=seconds, connections=connections, script=script, timeout=30)

"""A local test CA (trustme) and the server certificate every mock presents for its tutorial hosts."""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import ssl
import tempfile
from collections.abc import Iterable
from functools import cached_property
from pathlib import Path

import certifi
import trustme
from cryptography import x509
from cryptography.hazmat.primitives import serialization


class SharedClientContext(ssl.SSLContext):
    """A client TLS context that many threads' connections share, its ALPN list set once.

    httpcore sets ALPN on the context before every connection (httpcore/_sync/connection.py).
    CPython makes a connection's SSL object with the GIL released, and OpenSSL's SSL_new copies
    the context's ALPN list while a set from another thread may be freeing it: the ClientHello
    then carries a torn ALPN extension and the server refuses it (server: BAD_EXTENSION; client:
    "tlsv1 alert decode error"), as a SCIM concurrency test once saw in CI. Two threads setting
    while four handshake: 3 to 10 of 600 handshakes fail so; none with this class
    (tests/test_tls_serving.py).
    """

    def set_alpn_protocols(self, alpn_protocols: Iterable[str]) -> None:
        protocols = list(alpn_protocols)
        if protocols != self.__dict__.get("alpn"):
            super().set_alpn_protocols(protocols)
            self.alpn = protocols


def shared_client_context(cafile: str | None = None) -> SharedClientContext:
    """Verifies certificates and host names against `cafile`, else SSL_CERT_FILE, else certifi's
    bundle (as httpx's own default context does); speaks HTTP/1.1."""
    context = SharedClientContext(ssl.PROTOCOL_TLS_CLIENT)
    context.load_verify_locations(
        cafile=cafile or os.environ.get("SSL_CERT_FILE") or certifi.where()
    )
    context.set_alpn_protocols(["http/1.1"])
    return context


class TestCertificateAuthority:
    """Made at start-up (or loaded from a directory an earlier start wrote, so that several
    processes, such as docker-compose services, present the same certificate); one leaf
    certificate names every host the harness serves."""

    __test__ = False  # not a pytest test class

    def __init__(self, hosts: list[str], directory: Path | None = None) -> None:
        self.hosts = sorted(set(hosts) | {"localhost", "127.0.0.1"})
        self.temporary = directory is None
        self.directory = directory or Path(tempfile.mkdtemp(prefix="entra-harness-ca-"))
        self.directory.mkdir(parents=True, exist_ok=True)
        self.ca_path = self.directory / "ca.pem"
        self.cert_path = self.directory / "server.pem"
        self.key_path = self.directory / "server-key.pem"
        names_path = self.directory / "hosts.txt"
        wanted = "\n".join(self.hosts)
        reusable = all(
            p.exists() for p in (self.ca_path, self.cert_path, self.key_path, names_path)
        )
        if not reusable or names_path.read_text() != wanted:
            ca = trustme.CA(organization_name="Entra harness test CA")
            leaf = ca.issue_cert(*self.hosts)
            ca.cert_pem.write_to_path(str(self.ca_path))
            leaf.cert_chain_pems[0].write_to_path(str(self.cert_path))
            leaf.private_key_pem.write_to_path(str(self.key_path))
            names_path.write_text(wanted)

    def remove(self) -> None:
        """Delete the files if this CA made its own temporary directory."""
        if self.temporary:
            shutil.rmtree(self.directory, ignore_errors=True)

    def client_context(self) -> ssl.SSLContext:
        return shared_client_context(str(self.ca_path))

    @cached_property
    def leaf_spki_sha256(self) -> str:
        """Base64 SHA-256 of the leaf's SubjectPublicKeyInfo: what Chromium pins with
        --ignore-certificate-errors-spki-list, so it accepts exactly this key and no other."""
        leaf = x509.load_pem_x509_certificate(self.cert_path.read_bytes())
        spki = leaf.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return base64.b64encode(hashlib.sha256(spki).digest()).decode()

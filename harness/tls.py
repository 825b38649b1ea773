"""A local test CA (trustme) and the server certificate every mock presents for its tutorial hosts."""

from __future__ import annotations

import base64
import hashlib
import shutil
import ssl
import tempfile
from functools import cached_property
from pathlib import Path

import trustme
from cryptography import x509
from cryptography.hazmat.primitives import serialization


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
        return ssl.create_default_context(cafile=str(self.ca_path))

    @cached_property
    def leaf_spki_sha256(self) -> str:
        """Base64 SHA-256 of the leaf's SubjectPublicKeyInfo: what Chromium pins with
        --ignore-certificate-errors-spki-list, so it accepts exactly this key and no other."""
        leaf = x509.load_pem_x509_certificate(self.cert_path.read_bytes())
        spki = leaf.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return base64.b64encode(hashlib.sha256(spki).digest()).decode()

"""mod_auth_mellon (Debian's libapache2-mod-auth-mellon) in its own Apache, set up as its README
says: SP key, certificate and metadata from Debian's mellon_create_metadata, the IdP's metadata
file (here: the bytes of the App Federation Metadata Url, byte-order mark and all)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.witnesses.processes import (
    Process,
    apache_config,
    free_port,
    fresh_logs,
    start_apache,
    write_attributes_page,
)
from tests.witnesses.sites import NAME_CLAIM


class MellonSite:
    name = "mod_auth_mellon"

    def __init__(self, directory: Path) -> None:
        self.quirks = {
            # Entra's LogoutResponse Issuer is https://login.microsoftonline.com/{tid}/, not the
            # metadata's entityID (docs "Single sign-out SAML protocol"; MicrosoftDocs/azure-docs
            # #108484): Lasso looks the issuer up among its providers and refuses the response.
            "single-logout": "The identifier of a provider is unknown",
        }
        self.directory = directory
        self.port = free_port()
        self.base = f"http://localhost:{self.port}"
        self.entity_id = f"{self.base}/mellon/metadata"
        self.acs_url = f"{self.base}/mellon/postResponse"
        self.logout_url = f"{self.base}/mellon/logout"
        self.protected_url = f"{self.base}/cgi/attributes"
        self.landing_url = self.protected_url
        self.signed_out_url = f"{self.base}/signed-out.txt"
        directory.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["/usr/sbin/mellon_create_metadata", self.entity_id, f"{self.base}/mellon"],
            cwd=directory,
            check=True,
            capture_output=True,
        )
        stem = next(directory.glob("*.xml")).with_suffix("")
        self.key_file, self.cert_file, self.sp_metadata_file = (
            stem.with_suffix(".key"),
            stem.with_suffix(".cert"),
            stem.with_suffix(".xml"),
        )
        self.process: Process | None = None

    @property
    def encryption_certificate_pem(self) -> str:
        return self.cert_file.read_text()

    def sp_metadata(self) -> bytes:
        return self.sp_metadata_file.read_bytes()

    def signed_in_texts(self, upn: str) -> list[str]:
        """The attributes page: the NameID as the user, the name claim as NAME_CLAIM."""
        return [f"REMOTE_USER={upn}", f"NAME_CLAIM={upn}"]

    def logout_start_url(self) -> str:
        return f"{self.logout_url}?ReturnTo={self.signed_out_url}"

    def start(self, idp_metadata: bytes) -> None:
        fresh_logs(self.directory, "error.log", "apache.out")
        (self.directory / "idp-metadata.xml").write_bytes(idp_metadata)
        write_attributes_page(self.directory)
        apache_config(
            self.directory,
            self.port,
            {"auth_mellon_module": "mod_auth_mellon.so"},
            f"""MellonCacheSize 10
<Location />
    MellonEnable info
    MellonEndpointPath /mellon
    MellonSPPrivateKeyFile {self.key_file}
    MellonSPCertFile {self.cert_file}
    MellonSPMetadataFile {self.sp_metadata_file}
    MellonIdPMetadataFile {self.directory}/idp-metadata.xml
    # The ACS is reached by a cross-site POST: its cookie must be SameSite=None, so Secure
    # (mellon's README, "MellonCookieSameSite"; browsers treat http://localhost as secure).
    MellonSecureCookie On
    MellonCookieSameSite None
    MellonDefaultLoginPath /cgi/attributes
    MellonSetEnvNoPrefix NAME_CLAIM {NAME_CLAIM}
</Location>
<Location /cgi/>
    AuthType Mellon
    MellonEnable auth
    Require valid-user
</Location>
""",
        )
        self.process = start_apache(self.directory, self.port)

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()
            self.process = None

    def close(self) -> None:
        self.stop()

    def error_log(self) -> str:
        path = self.directory / "error.log"
        return path.read_text(errors="replace") if path.exists() else ""

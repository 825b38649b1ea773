"""Shibboleth SP 3 (Debian's libapache2-mod-shib and shibd) in its own Apache and shibd, set up
as the Shibboleth wiki's Entra ID (Azure AD) page says: the IdP's metadata from the App
Federation Metadata Url (its bytes, byte-order mark and all), SP keys from shib-keygen, and an
attribute map that names Entra's claims with the `unspecified` NameFormat."""

from __future__ import annotations

import grp
import os
import pwd
import subprocess
from pathlib import Path

from lxml import etree

from tests.witnesses.processes import (
    Process,
    apache_config,
    free_port,
    fresh_logs,
    running_as_root,
    start_apache,
    wait_for_socket,
    write_attributes_page,
)
from tests.witnesses.sites import NAME_CLAIM

SHIBD = Path("/usr/sbin/shibd")
# Entra's <Attribute> has no NameFormat; Shibboleth SP reads a missing one as `unspecified`
# and its map matches on it (Shibboleth wiki "AzureAD" / Entra ID integration).
UNSPECIFIED_NAME_FORMAT = "urn:oasis:names:tc:SAML:2.0:attrname-format:unspecified"


class ShibbolethSite:
    name = "Shibboleth SP"

    def __init__(self, directory: Path) -> None:
        self.quirks = {
            # Entra's LogoutResponse Issuer is https://login.microsoftonline.com/{tid}/, not the
            # metadata's entityID (docs "Single sign-out SAML protocol"; MicrosoftDocs/azure-docs
            # #108484): the SP finds no metadata for that issuer and cannot check the signature.
            "single-logout": "Security of LogoutResponse not established",
        }
        self.directory = directory
        self.port = free_port()
        self.base = f"http://localhost:{self.port}"
        self.entity_id = f"{self.base}/shibboleth"
        self.acs_url = f"{self.base}/Shibboleth.sso/SAML2/POST"
        self.logout_url = f"{self.base}/Shibboleth.sso/SLO/Redirect"
        self.protected_url = f"{self.base}/cgi/attributes"
        self.landing_url = self.protected_url
        self.signed_out_url = f"{self.base}/signed-out.txt"
        directory.mkdir(parents=True, exist_ok=True)
        # shib-keygen hands the key to Debian's _shibd by default; this shibd runs as us.
        owner = pwd.getpwuid(os.getuid())
        group = grp.getgrgid(owner.pw_gid).gr_name
        subprocess.run(
            [
                *("/usr/sbin/shib-keygen", "-b", "-o", str(directory), "-h", "localhost"),
                *("-e", self.entity_id, "-y", "3", "-u", owner.pw_name, "-g", group),
            ],
            check=True,
            capture_output=True,
        )
        self.shibd: Process | None = None
        self.apache: Process | None = None

    @property
    def encryption_certificate_pem(self) -> str:
        return (self.directory / "sp-cert.pem").read_text()

    def signed_in_texts(self, upn: str) -> list[str]:
        """The attributes page: the NameID as the user, the name claim as NAME_CLAIM."""
        return [f"REMOTE_USER={upn}", f"NAME_CLAIM={upn}"]

    def logout_start_url(self) -> str:
        return f"{self.base}/Shibboleth.sso/Logout?return={self.signed_out_url}"

    def start(self, idp_metadata: bytes) -> None:
        fresh_logs(self.directory, "error.log", "apache.out", "shib.log", "shibd.out")
        directory = self.directory
        (directory / "idp-metadata.xml").write_bytes(idp_metadata)
        (directory / "attribute-map.xml").write_text(ATTRIBUTE_MAP)
        logger = directory / "shib.logger"
        logger.write_text(LOGGER.format(log=directory / "shib.log"))
        (directory / "shibboleth2.xml").write_text(
            SHIBBOLETH2.format(
                dir=directory,
                port=self.port,
                entity_id=self.entity_id,
                logger=logger,
                idp_entity_id=entity_id_of(idp_metadata),
            )
        )
        write_attributes_page(directory)
        apache_config(
            directory,
            self.port,
            {"mod_shib": "mod_shib.so"},
            f"""ShibConfig {directory}/shibboleth2.xml
ShibCompatValidUser Off
<Location /Shibboleth.sso>
    SetHandler shib
</Location>
<Location /cgi/>
    AuthType shibboleth
    ShibRequestSetting requireSession 1
    ShibUseEnvironment On
    Require shib-session
</Location>
""",
        )
        socket = directory / "shibd.sock"
        self.shibd = Process(
            [
                *(str(SHIBD), "-F", "-f", "-c", str(directory / "shibboleth2.xml")),
                *("-p", str(directory / "shibd.pid"), "-w", "30"),
            ],
            directory / "shibd.out",
        )
        wait_for_socket(socket, self.shibd.popen, directory / "shib.log", 30)
        if running_as_root():
            socket.chmod(0o777)
        self.apache = start_apache(directory, self.port)

    def stop(self) -> None:
        for process in (self.apache, self.shibd):
            if process is not None:
                process.stop()
        self.apache = self.shibd = None

    def close(self) -> None:
        self.stop()

    def error_log(self) -> str:
        """Apache's log, then shibd's and mod_shib's warnings and errors."""
        lines = [
            line
            for name in ("error.log", "shib.log", "shibd.out")
            if (self.directory / name).exists()
            for line in (self.directory / name).read_text(errors="replace").splitlines()
            if name == "error.log"
            or any(f" {level} " in line for level in ("WARN", "ERROR", "CRIT"))
        ]
        return "\n".join(lines)


def entity_id_of(metadata: bytes) -> str:
    """The IdP's entityID, which the SP's <SSO> names (the admin copies it from the metadata)."""
    return str(etree.fromstring(metadata.removeprefix(b"\xef\xbb\xbf")).get("entityID"))


LOGGER = """log4j.rootCategory=INFO, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.fileName={log}
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=%d{{%Y-%m-%d %H:%M:%S}} %p %c %x: %m%n
"""

ATTRIBUTE_MAP = f"""<Attributes xmlns="urn:mace:shibboleth:2.0:attribute-map">
    <Attribute name="urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress" id="nameid"/>
    <Attribute name="{NAME_CLAIM}" nameFormat="{UNSPECIFIED_NAME_FORMAT}" id="NAME_CLAIM"/>
    <Attribute name="http://schemas.microsoft.com/identity/claims/objectidentifier"
               nameFormat="{UNSPECIFIED_NAME_FORMAT}" id="oid"/>
</Attributes>
"""

# The SP's own shibboleth2.xml: Debian's example cut to one application on http://localhost
# (handlerSSL off, cookies for http), relay state kept server-side (the ACS is reached by a
# cross-site POST, which carries no SameSite=Lax cookie), REMOTE_USER the NameID, the protected
# page as the home an IdP-initiated sign-in lands on. The metadata is not schema-validated:
# Entra's WS-Federation RoleDescriptors (fed:ClaimTypesOffered, fed:TargetScopes, ...) have no
# schema in the SP, so validate="true" rejects the whole document, as it does real Entra's
# (docs/fidelity.md).
SHIBBOLETH2 = """<SPConfig xmlns="urn:mace:shibboleth:3.0:native:sp:config"
    xmlns:conf="urn:mace:shibboleth:3.0:native:sp:config" clockSkew="180">
    <OutOfProcess logger="{logger}"/>
    <InProcess logger="{logger}"/>
    <UnixListener address="{dir}/shibd.sock"/>
    <StorageService type="Memory" id="mem" cleanupInterval="900"/>
    <SessionCache type="StorageService" StorageService="mem" cacheAllowance="900"
        inprocTimeout="900" cleanupInterval="900"/>
    <ReplayCache StorageService="mem"/>
    <RequestMapper type="Native">
        <RequestMap>
            <Host name="localhost" port="{port}" scheme="http">
                <Path name="cgi" authType="shibboleth" requireSession="true"/>
            </Host>
        </RequestMap>
    </RequestMapper>
    <ApplicationDefaults entityID="{entity_id}" REMOTE_USER="nameid" homeURL="/cgi/attributes">
        <Sessions lifetime="28800" timeout="3600" relayState="ss:mem" checkAddress="false"
            handlerSSL="false" cookieProps="http" redirectLimit="exact">
            <SSO entityID="{idp_entity_id}">SAML2</SSO>
            <Logout>SAML2 Local</Logout>
            <Handler type="MetadataGenerator" Location="/Metadata" signing="false"/>
            <Handler type="Session" Location="/Session" showAttributeValues="true"/>
        </Sessions>
        <Errors supportContact="root@localhost" styleSheet="/shibboleth-sp/main.css"/>
        <MetadataProvider type="XML" validate="false" path="{dir}/idp-metadata.xml"/>
        <AttributeExtractor type="XML" validate="true" path="{dir}/attribute-map.xml"/>
        <AttributeFilter type="XML" validate="true" path="/etc/shibboleth/attribute-policy.xml"/>
        <CredentialResolver type="File" use="signing"
            key="{dir}/sp-key.pem" certificate="{dir}/sp-cert.pem"/>
        <CredentialResolver type="File" use="encryption"
            key="{dir}/sp-key.pem" certificate="{dir}/sp-cert.pem"/>
    </ApplicationDefaults>
    <SecurityPolicyProvider type="XML" validate="true"
        path="/etc/shibboleth/security-policy.xml"/>
    <ProtocolProvider type="XML" validate="true" path="/etc/shibboleth/protocols.xml"/>
</SPConfig>
"""

"""An SP on pysaml2 (its default xmlsec1 backend): python pysaml2_app.py '<config>'."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from sp_common import Library, Refused, main


def idp_metadata(idp: dict[str, str]) -> str:
    """The IdP as the admin typed it in (entity ID, sign-on URL, Base64 certificate)."""
    return (
        '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" '
        f'xmlns:ds="http://www.w3.org/2000/09/xmldsig#" entityID="{idp["entity_id"]}">'
        '<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">'
        '<md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>'
        f"{idp['certificate']}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
        f'<md:SingleSignOnService Binding="{BINDING_HTTP_REDIRECT}" Location="{idp["sso_url"]}"/>'
        "</md:IDPSSODescriptor></md:EntityDescriptor>"
    )


class PySaml2(Library):
    client: Any
    idp_entity_id: str

    def configure(self, idp: dict[str, str]) -> None:
        config = SPConfig()
        config.load(
            {
                "entityid": self.config["entity_id"],
                "xmlsec_binary": "/usr/bin/xmlsec1",
                "metadata": {"inline": [idp_metadata(idp)]},
                "accepted_time_diff": 300,
                "service": {
                    "sp": {
                        "endpoints": {
                            "assertion_consumer_service": [
                                (self.config["acs_url"], BINDING_HTTP_POST)
                            ]
                        },
                        "allow_unsolicited": True,
                        "want_assertions_signed": True,
                        "want_response_signed": False,
                        "authn_requests_signed": False,
                    }
                },
            }
        )
        self.client = Saml2Client(config=config)
        self.idp_entity_id = idp["entity_id"]

    def login(self) -> tuple[str, str]:
        request_id, info = self.client.prepare_for_authenticate(
            entityid=self.idp_entity_id, binding=BINDING_HTTP_REDIRECT
        )
        location = dict(info["headers"])["Location"]
        return location, request_id

    def consume(self, saml_response: str, request_id: str | None) -> str:
        outstanding = {request_id: "/"} if request_id else {}
        response = self.client.parse_authn_request_response(
            saml_response, BINDING_HTTP_POST, outstanding=outstanding
        )
        if response is None:
            raise Refused("no response")
        return str(response.get_subject().text)


if __name__ == "__main__":
    main(PySaml2)

"""pysaml2 behind rt_common (xmlsec1 backend), unsolicited Responses per the profile."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from rt_common import Library, Refused, main
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig


def idp_metadata(idp: dict[str, str]) -> str:
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
                "accepted_time_diff": 180,
                "allow_unknown_attributes": True,
                "service": {
                    "sp": {
                        "endpoints": {
                            "assertion_consumer_service": [
                                (self.config["acs_url"], BINDING_HTTP_POST)
                            ]
                        },
                        "allow_unsolicited": bool(self.config["profile"].get("unsolicited", True)),
                        "want_assertions_signed": True,
                        "want_response_signed": False,
                    }
                },
            }
        )
        self.client = Saml2Client(config=config)
        self.idp_entity_id = idp["entity_id"]

    def login(self, relay_state: str) -> tuple[str, str]:
        request_id, info = self.client.prepare_for_authenticate(
            entityid=self.idp_entity_id, relay_state=relay_state, binding=BINDING_HTTP_REDIRECT
        )
        return dict(info["headers"])["Location"], request_id

    def consume(
        self, saml_response: str, request_id: str | None
    ) -> tuple[str, dict[str, list[str]]]:
        outstanding = {request_id: "/"} if request_id else {}
        response = self.client.parse_authn_request_response(
            saml_response, BINDING_HTTP_POST, outstanding=outstanding
        )
        if response is None:
            raise Refused("no response")
        return str(response.get_subject().text), dict(response.ava or {})


if __name__ == "__main__":
    main(PySaml2)

"""python3-saml behind rt_common: strict mode, the request ID checked by the toolkit."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).parent))

from onelogin.saml2.auth import OneLogin_Saml2_Auth
from rt_common import Library, Refused, main


class Python3Saml(Library):
    settings: dict[str, Any]

    def configure(self, idp: dict[str, str]) -> None:
        self.settings = {
            "strict": True,
            "sp": {
                "entityId": self.config["entity_id"],
                "assertionConsumerService": {
                    "url": self.config["acs_url"],
                    "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
                },
                "NameIDFormat": "urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified",
            },
            "idp": {
                "entityId": idp["entity_id"],
                "singleSignOnService": {
                    "url": idp["sso_url"],
                    "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
                },
                "x509cert": idp["certificate"],
            },
            "security": {"wantAssertionsSigned": True, "requestedAuthnContext": False},
        }

    def request(self, post: dict[str, str]) -> dict[str, Any]:
        acs = urlsplit(self.config["acs_url"])
        return {
            "https": "off",
            "http_host": acs.hostname,
            "server_port": str(acs.port),
            "script_name": acs.path,
            "get_data": {},
            "post_data": post,
        }

    def login(self, relay_state: str) -> tuple[str, str]:
        auth = OneLogin_Saml2_Auth(self.request({}), self.settings)
        url = auth.login(return_to=relay_state or None)
        return url, auth.get_last_request_id()

    def consume(
        self, saml_response: str, request_id: str | None
    ) -> tuple[str, dict[str, list[str]]]:
        auth = OneLogin_Saml2_Auth(self.request({"SAMLResponse": saml_response}), self.settings)
        auth.process_response(request_id=request_id)
        if auth.get_errors() or not auth.is_authenticated():
            raise Refused(f"{auth.get_errors()} {auth.get_last_error_reason()}")
        return str(auth.get_nameid()), dict(auth.get_attributes())


if __name__ == "__main__":
    main(Python3Saml)

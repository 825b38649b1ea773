"""An SP on python3-saml (OneLogin's toolkit), strict mode: python python3_saml_app.py '<config>'."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).parent))

from onelogin.saml2.auth import OneLogin_Saml2_Auth
from sp_common import Library, Refused, main


class Python3Saml(Library):
    settings: dict[str, Any]

    def configure(self, idp: dict[str, str]) -> None:
        self.settings = {
            "strict": True,
            "debug": False,
            "sp": {
                "entityId": self.config["entity_id"],
                "assertionConsumerService": {
                    "url": self.config["acs_url"],
                    "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST",
                },
                "NameIDFormat": "urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",
                "x509cert": "",
                "privateKey": "",
            },
            "idp": {
                "entityId": idp["entity_id"],
                "singleSignOnService": {
                    "url": idp["sso_url"],
                    "binding": "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect",
                },
                "x509cert": idp["certificate"],
            },
            "security": {"wantAssertionsSigned": True, "wantMessagesSigned": False},
        }

    def request(self, post: dict[str, str]) -> dict[str, Any]:
        acs = urlsplit(self.config["acs_url"])
        return {
            "https": "on" if acs.scheme == "https" else "off",
            "http_host": acs.hostname,
            "server_port": str(acs.port or (443 if acs.scheme == "https" else 80)),
            "script_name": acs.path,
            "get_data": {},
            "post_data": post,
        }

    def login(self) -> tuple[str, str]:
        auth = OneLogin_Saml2_Auth(self.request({}), self.settings)
        url = auth.login()
        return url, auth.get_last_request_id()

    def consume(self, saml_response: str, request_id: str | None) -> str:
        auth = OneLogin_Saml2_Auth(self.request({"SAMLResponse": saml_response}), self.settings)
        auth.process_response(request_id=request_id)
        if auth.get_errors() or not auth.is_authenticated():
            raise Refused(f"{auth.get_errors()} {auth.get_last_error_reason()}")
        return str(auth.get_nameid())


if __name__ == "__main__":
    main(Python3Saml)

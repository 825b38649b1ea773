"""The console JSON API's request bodies as pydantic models: a wrong type is a 400 with the API's
`{"error": …}`, never a 500 (issue 17)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, TypeAdapter


class IdpFields(BaseModel):
    """PUT /api/sso/<region>/idp: typed IdP URLs and the certificate (8x8, Genesys Cloud)."""

    model_config = ConfigDict(extra="ignore")

    sso_url: str | None = None
    entity_id: str | None = None
    slo_url: str | None = None
    certificate: str | None = None


class NewConsoleUser(BaseModel):
    """POST /api/users/<region>."""

    model_config = ConfigDict(extra="ignore")

    email: str = ""
    display_name: str = ""
    active: bool = True
    user_name: str | None = None


# PUT /api/sso/<region>/settings: console fields by gallery name, texts or switches.
CONSOLE_SETTINGS = TypeAdapter(dict[str, str | bool | None])

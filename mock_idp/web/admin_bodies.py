"""The request bodies of the admin center's JSON API (/api/enterpriseApps/…), as pydantic models:
validated at the edge, a wrong type answered 400 in Graph's error shape (admin_center.py)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from .graph_bodies import IGNORE_UNKNOWN


class AdminBody(BaseModel):
    model_config = IGNORE_UNKNOWN


class ReplyUrlBody(AdminBody, title="replyUrl"):
    url: str
    index: int | None = Field(default=None, ge=0, le=2**31 - 1)
    isDefault: bool = False


class BasicSamlChange(AdminBody, title="basicSamlConfiguration"):
    """Basic SAML Configuration > Edit: what is given changes, the rest stays."""

    identifiers: list[str] | None = None
    replyUrls: list[ReplyUrlBody] | None = None
    signOnUrl: str | None = None
    relayState: str | None = None
    logoutUrl: str | None = None


class SigningChange(AdminBody, title="samlSigningCertificate"):
    signingOption: str | None = None
    signingAlgorithm: str | None = None


class NameIdChange(AdminBody, title="nameId"):
    source: str = "user.userprincipalname"
    format: str = "emailAddress"


class GroupsClaimChange(AdminBody, title="groupClaim"):
    groups: str | None = None


class TransformationBody(AdminBody, title="transformation"):
    method: str
    parameters: dict[str, str] = Field(default_factory=dict)


class ClaimBody(AdminBody, title="claim"):
    name: str = ""
    source: str | None = None
    constant: str | None = None
    namespace: str | None = None
    transformations: list[TransformationBody] = Field(default_factory=list)


class EncryptionChange(AdminBody, title="tokenEncryption"):
    certificate: str | None = None


class PropertiesChange(AdminBody, title="properties"):
    model_config = ConfigDict(extra="ignore")

    assignmentRequired: bool | None = None
    visibleToUsers: bool | None = None

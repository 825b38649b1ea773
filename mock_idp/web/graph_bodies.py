"""The request bodies Microsoft Graph accepts here, as pydantic models: validated at the edge, so a
wrong type is Graph's 400 (mapped in graph.py), never a 500 (issue 17)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

# Graph ignores properties it does not know on the resources scripts post here (users, groups,
# applications carry many the tenant does not model); the known ones must have their types.
IGNORE_UNKNOWN = ConfigDict(extra="ignore", populate_by_name=True)


Body = TypeVar("Body", bound=BaseModel)


class GraphBody(BaseModel):
    model_config = IGNORE_UNKNOWN


class PasswordProfile(GraphBody):
    password: str | None = None
    forceChangePasswordNextSignIn: bool | None = None


class UserChange(GraphBody, title="user"):
    """PATCH /users/{id}: every property optional."""

    userPrincipalName: str | None = None
    displayName: str | None = None
    givenName: str | None = None
    surname: str | None = None
    mail: str | None = None
    jobTitle: str | None = None
    department: str | None = None
    mobilePhone: str | None = None
    streetAddress: str | None = None
    city: str | None = None
    state: str | None = None
    postalCode: str | None = None
    country: str | None = None
    employeeId: str | None = None
    preferredLanguage: str | None = None
    faxNumber: str | None = None
    accountEnabled: bool | None = None
    userType: str | None = None
    businessPhones: list[str] | None = None
    passwordProfile: PasswordProfile | None = None


class NewUser(UserChange, title="user"):
    """POST /users: userPrincipalName, displayName and passwordProfile are required (docs
    "Create user"); their absence is the tenant's own message (graph.py)."""


class Reference(GraphBody):
    """`{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/{id}"}`."""

    odata_id: str = Field(alias="@odata.id", min_length=1)


class RoleAssignment(GraphBody, title="unifiedRoleAssignment"):
    roleDefinitionId: str = ""
    principalId: str = ""
    directoryScopeId: str = "/"


class NewGroup(GraphBody, title="group"):
    displayName: str | None = None
    description: str | None = None
    mailNickname: str | None = None
    securityEnabled: bool = True
    members: list[str] = Field(default_factory=list, alias="members@odata.bind")


class Instantiate(GraphBody, title="applicationServicePrincipal"):
    displayName: str | None = None


class AppRoleBody(GraphBody, title="appRole"):
    id: str | None = None
    displayName: str = ""
    value: str | None = None


class WebSettings(GraphBody, title="webApplication"):
    redirectUris: list[str] | None = None
    logoutUrl: str | None = None


class ApplicationChange(GraphBody, title="application"):
    identifierUris: list[str] | None = None
    web: WebSettings | None = None
    appRoles: list[AppRoleBody] | None = None


class SamlSettings(GraphBody, title="samlSingleSignOnSettings"):
    relayState: str | None = None


class ServicePrincipalChange(GraphBody, title="servicePrincipal"):
    """PATCH /servicePrincipals/{id}; which properties were given is `model_fields_set`."""

    preferredSingleSignOnMode: str | None = None
    appRoleAssignmentRequired: bool | None = None
    tags: list[str] | None = None
    samlSingleSignOnSettings: SamlSettings | None = None
    loginUrl: str | None = None
    logoutUrl: str | None = None
    preferredTokenSigningKeyThumbprint: str | None = None


class TokenSigningCertificate(GraphBody, title="selfSignedCertificate"):
    displayName: str | None = None
    endDateTime: datetime | None = None

    @field_validator("endDateTime", mode="before")
    @classmethod
    def date_time_offset(cls, value: object) -> object:
        """Edm.DateTimeOffset is an ISO 8601 string (a number is not one)."""
        if value is not None and not isinstance(value, str):
            raise ValueError("must be an ISO 8601 date and time")
        return value

    @field_validator("endDateTime")
    @classmethod
    def in_utc(cls, value: datetime | None) -> datetime | None:
        return value.replace(tzinfo=UTC) if value and value.tzinfo is None else value


class AppRoleAssignment(GraphBody, title="appRoleAssignment"):
    principalId: str = ""
    appRoleId: str = ""


class NewClaimsMappingPolicy(GraphBody, title="claimsMappingPolicy"):
    displayName: str = ""
    definition: list[str] = Field(default_factory=lambda: [""])


# synchronization (provisioning_graph.py)
class NewJob(GraphBody, title="synchronizationJob"):
    templateId: str | None = None


class RestartCriteria(GraphBody, title="synchronizationJobRestartCriteria"):
    resetScope: str | None = None


class Restart(GraphBody):
    criteria: RestartCriteria | None = None


class KeyValue(GraphBody, title="synchronizationSecretKeyStringValuePair"):
    key: str
    value: str | None = None


class Secrets(GraphBody):
    value: list[KeyValue] = Field(default_factory=list)


class ValidateCredentials(GraphBody):
    credentials: list[KeyValue] = Field(default_factory=list)
    useSavedCredentials: bool = False


class ObjectMappingBody(BaseModel, title="objectMapping"):
    """An object mapping, kept whole for the mapping reader; only its kind is typed here."""

    model_config = ConfigDict(extra="allow")
    sourceObjectName: str | None = None


class SynchronizationRule(GraphBody, title="synchronizationRule"):
    objectMappings: list[ObjectMappingBody] = Field(default_factory=list)


class SynchronizationSchema(GraphBody, title="synchronizationSchema"):
    synchronizationRules: list[SynchronizationRule] = Field(default_factory=list)


class AttributeDefinition(GraphBody, title="attributeDefinition"):
    name: str = ""


class ExpressionInput(BaseModel, title="expressionInputObject"):
    model_config = ConfigDict(extra="allow")
    properties: list[KeyValue] = Field(default_factory=list)


class ParseExpression(GraphBody):
    expression: str = ""
    targetAttributeDefinition: AttributeDefinition | None = None
    testInputObject: ExpressionInput | None = None


class MemberReference(GraphBody):
    objectId: str


class SubjectLinks(GraphBody):
    members: list[MemberReference] | None = None


class Subject(GraphBody, title="synchronizationJobSubject"):
    objectId: str = ""
    objectTypeName: str = "User"
    links: SubjectLinks | None = None


class OnDemandParameter(GraphBody, title="synchronizationJobApplicationParameters"):
    subjects: list[Subject] = Field(default_factory=list)


class ProvisionOnDemand(GraphBody):
    parameters: list[OnDemandParameter] = Field(default_factory=list)


def invalid_property_message(error: ValidationError) -> str:
    """Graph's words for a property of the wrong type: "Invalid value specified for property
    'x' of resource 'user'." (what Graph answers to a wrong-typed property)."""
    first = error.errors(include_url=False)[0]
    location = [str(part) for part in first.get("loc", ()) if not isinstance(part, int)]
    if not location:
        return "The request body must be a JSON object."
    return (
        f"Invalid value specified for property '{location[0]}' of resource '{error.title}': "
        f"{first['msg']}."
    )


def model_dict(model: BaseModel) -> dict[str, Any]:
    """The properties the client gave, by their Graph names."""
    return model.model_dump(by_alias=True, exclude_unset=True)

"""Directory state: users of the tenant (no Flask, no SAML)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .ids import new_guid


@dataclass
class User:
    """A directory user with the properties that claims and provisioning read."""

    user_principal_name: str
    display_name: str
    password: str
    id: str = field(default_factory=new_guid)
    given_name: str | None = None
    surname: str | None = None
    mail: str | None = None
    job_title: str | None = None
    department: str | None = None
    mobile_phone: str | None = None
    business_phone: str | None = None
    street_address: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = None
    employee_id: str | None = None
    manager_id: str | None = None
    account_enabled: bool = True
    user_type: str = "Member"

    @property
    def mail_nickname(self) -> str:
        return self.user_principal_name.split("@", 1)[0]


class UserNotFound(KeyError):
    pass


class Directory:
    """Users by object id, looked up by UPN case-insensitively as Entra does."""

    def __init__(self) -> None:
        self.users: dict[str, User] = {}

    def add_user(self, user: User) -> User:
        if self.find_by_upn(user.user_principal_name):
            raise ValueError(
                f"Another object with the same value for property userPrincipalName "
                f"already exists: {user.user_principal_name}"
            )
        self.users[user.id] = user
        return user

    def get(self, user_id: str) -> User:
        try:
            return self.users[user_id]
        except KeyError:
            raise UserNotFound(user_id) from None

    def find_by_upn(self, upn: str) -> User | None:
        wanted = upn.strip().lower()
        for user in self.users.values():
            if user.user_principal_name.lower() == wanted:
                return user
        return None

    def find(self, id_or_upn: str) -> User:
        user = self.users.get(id_or_upn) or self.find_by_upn(id_or_upn)
        if user is None:
            raise UserNotFound(id_or_upn)
        return user

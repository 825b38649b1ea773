"""The vendor's own user directory: who may sign in (no Flask, no SAML)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from uuid import uuid4

from scim2_models import UniquenessException

from mock_scim.rules import work_email
from mock_scim.schema import USER
from mock_scim.storage import StoredResource
from mock_scim.target import ScimTarget


@dataclass
class VendorUser:
    email: str
    display_name: str = ""
    active: bool = True
    id: str = field(default_factory=lambda: uuid4().hex)
    # The sign-in name where the vendor has one apart from the email (8x8 userName).
    user_name: str | None = None

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "email": self.email,
            "display_name": self.display_name,
            "active": self.active,
            "user_name": self.user_name,
        }


class VendorDirectory:
    """Users kept in memory: a region whose users SCIM does not provision."""

    def __init__(self) -> None:
        self._users: dict[str, VendorUser] = {}

    @property
    def users(self) -> dict[str, VendorUser]:
        """Every user by id, in the order they were added."""
        return self._users

    def add(self, user: VendorUser) -> VendorUser:
        if self.find_by_email(user.email):
            raise ValueError(f"a user with email {user.email} already exists")
        self._users[user.id] = user
        return user

    def find_by_email(self, email: str) -> VendorUser | None:
        wanted = email.strip().lower()
        return next((u for u in self.users.values() if u.email.lower() == wanted), None)

    def find_by_login(self, login: str) -> VendorUser | None:
        """By userName where users have one, else by email (both case-insensitive)."""
        wanted = login.strip().lower()
        by_name = next(
            (u for u in self.users.values() if u.user_name and u.user_name.lower() == wanted), None
        )
        return by_name or self.find_by_email(login)


class ScimDirectory(VendorDirectory):
    """The users of the vendor's SCIM endpoint, read by its SP: a user SCIM creates active signs
    in, one it deactivates is refused. Users the vendor's console adds become SCIM users too.

    A SCIM user reads as a VendorUser by its work email (else its primary or first email, else
    its userName), displayName (else its name), `active` (absent: active) and userName (when it
    is not that email).
    """

    def __init__(self, target: ScimTarget) -> None:
        super().__init__()
        self.target = target

    @staticmethod
    def vendor_user(stored: StoredResource) -> VendorUser:
        data = stored.data
        user_name = data.get("userName")
        name = data.get("name") or {}
        display_name = (
            data.get("displayName")
            or name.get("formatted")
            or " ".join(part for part in (name.get("givenName"), name.get("familyName")) if part)
        )
        email = work_email(data) or str(user_name or "")
        return VendorUser(
            email=email,
            display_name=str(display_name or ""),
            active=data.get("active") is not False,
            id=stored.id,
            # VendorUser.user_name is a sign-in name apart from the email.
            user_name=str(user_name) if user_name and user_name.lower() != email.lower() else None,
        )

    @property
    def users(self) -> dict[str, VendorUser]:
        return {stored.id: self.vendor_user(stored) for stored in self.target.users()}

    def add(self, user: VendorUser) -> VendorUser:
        if self.find_by_email(user.email):
            raise ValueError(f"a user with email {user.email} already exists")
        data: dict[str, Any] = {
            "schemas": [USER],
            "userName": user.user_name or user.email,
            "active": user.active,
            "emails": [{"value": user.email, "type": "work", "primary": True}],
        }
        if user.display_name:
            data["displayName"] = user.display_name
        try:
            return self.vendor_user(self.target.add_user(data))
        except UniquenessException as taken:
            raise ValueError(taken.detail) from None

    def find_by_email(self, email: str) -> VendorUser | None:
        found = self.target.find_users("emails.value", email.strip())
        return self.vendor_user(found[0]) if found else None

    def find_by_login(self, login: str) -> VendorUser | None:
        found = self.target.find_users("userName", login.strip())
        return self.vendor_user(found[0]) if found else self.find_by_email(login)

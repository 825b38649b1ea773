"""The vendor's own user directory: who may sign in (no Flask, no SAML)."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import uuid4


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
    def __init__(self) -> None:
        self.users: dict[str, VendorUser] = {}

    def add(self, user: VendorUser) -> VendorUser:
        if self.find_by_email(user.email):
            raise ValueError(f"a user with email {user.email} already exists")
        self.users[user.id] = user
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

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

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "email": self.email,
            "display_name": self.display_name,
            "active": self.active,
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

"""Test people: the tutorials' B.Simon, and seeded Faker people who look real and repeat per seed."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from faker import Faker


@dataclass
class Person:
    """A person as the tenant's admin creates them (Graph user properties) and their password."""

    key: str
    password: str
    properties: dict[str, Any] = field(default_factory=dict)
    # Directory roles by their portal names (e.g. "Cloud Application Administrator").
    roles: tuple[str, ...] = ()

    @property
    def upn(self) -> str:
        return self.properties["userPrincipalName"]

    @property
    def email(self) -> str:
        return self.properties.get("mail") or self.upn


def b_simon(password: str) -> Person:
    """Every tutorial's test user: display name B.Simon, UPN B.Simon@contoso.com ("Britta Simon")."""
    return Person(
        "B.Simon",
        password,
        {
            "displayName": "B.Simon",
            "userPrincipalName": "B.Simon@contoso.com",
            "mail": "B.Simon@contoso.com",
            "givenName": "Britta",
            "surname": "Simon",
        },
    )


def administrator(password: str) -> Person:
    """The tenant's administrator: the tutorials do their admin center steps "as at least a
    Cloud Application Administrator" and create B.Simon as a User Administrator."""
    return Person(
        "Contoso Admin",
        password,
        {
            "displayName": "Contoso Admin",
            "userPrincipalName": "admin@contoso.com",
            "mail": "admin@contoso.com",
            "givenName": "Contoso",
            "surname": "Admin",
        },
        roles=("Cloud Application Administrator", "User Administrator"),
    )


def faker_people(count: int, seed: int = 2019, domain: str = "contoso.com") -> list[Person]:
    """Realistic people, the same ones for the same seed (Faker.seed_instance)."""
    fake = Faker("en_US")
    fake.seed_instance(seed)
    people = []
    for _ in range(count):
        given, surname = fake.first_name(), fake.last_name()
        nickname = f"{given}.{surname}".replace("'", "")
        upn = f"{nickname}@{domain}"
        people.append(
            Person(
                nickname,
                fake.password(length=14),
                {
                    "displayName": f"{given} {surname}",
                    "userPrincipalName": upn,
                    "mail": upn,
                    "givenName": given,
                    "surname": surname,
                    "jobTitle": fake.job()[:60],
                    "department": fake.random_element(
                        ["Sales", "Support", "Engineering", "Finance"]
                    ),
                    "mobilePhone": fake.numerify("+1 ### ### ####"),
                    "city": fake.city(),
                    "country": "US",
                },
            )
        )
    return people

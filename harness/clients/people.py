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

"""Users and groups as Graph-shaped JSON (docs "user resource type", "group resource type")."""

from __future__ import annotations

from typing import Any

from ..directory import USER_PROPERTIES, Group, User
from .timestamps import parse_when, when


def user_data(user: User) -> dict[str, Any]:
    data: dict[str, Any] = {"id": user.id}
    data.update({graph: getattr(user, name) for graph, name in USER_PROPERTIES.items()})
    data["businessPhones"] = [user.business_phone] if user.business_phone else []
    data["manager"] = user.manager_id
    data["deletedDateTime"] = when(user.deleted_at)
    # A simulated tenant's test users sign in with these: a snapshot without them could not be
    # used as a fixture (Graph's passwordProfile, which real Entra never reads back).
    data["passwordProfile"] = {"password": user.password}
    data["directoryRoleTemplateIds"] = list(user.directory_roles)
    return data


def user_from_data(data: dict[str, Any]) -> User:
    phones = data.get("businessPhones") or []
    user = User(
        user_principal_name=data["userPrincipalName"],
        display_name=data["displayName"],
        password=data["passwordProfile"]["password"],
        id=data["id"],
        business_phone=phones[0] if phones else None,
        manager_id=data.get("manager"),
        deleted_at=parse_when(data.get("deletedDateTime")),
        directory_roles=list(data.get("directoryRoleTemplateIds", [])),
    )
    for graph, name in USER_PROPERTIES.items():
        if graph in data and name not in ("user_principal_name", "display_name"):
            setattr(user, name, data[graph])
    return user


def group_data(group: Group) -> dict[str, Any]:
    return {
        "id": group.id,
        "displayName": group.display_name,
        "description": group.description,
        "mailNickname": group.mail_nickname,
        "securityEnabled": group.security_enabled,
        "members": list(group.members),
        "deletedDateTime": when(group.deleted_at),
    }


def group_from_data(data: dict[str, Any]) -> Group:
    return Group(
        display_name=data["displayName"],
        id=data["id"],
        description=data.get("description"),
        mail_nickname=data.get("mailNickname"),
        security_enabled=bool(data.get("securityEnabled", True)),
        members=list(data.get("members", [])),
        deleted_at=parse_when(data.get("deletedDateTime")),
    )

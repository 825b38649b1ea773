"""The directory's UPN lookup (an index kept from the change log) follows every change."""

from __future__ import annotations

from datetime import UTC, datetime

from mock_idp.directory import Directory, User


def user(upn: str) -> User:
    return User(user_principal_name=upn, display_name=upn, password="pw")


def test_lookup_is_case_insensitive_and_follows_renames_and_purges() -> None:
    directory = Directory()
    britta = directory.add_user(user("B.Simon@contoso.com"))
    assert directory.find_by_upn("  b.simon@CONTOSO.com") is britta
    britta.user_principal_name = "Britta.Simon@contoso.com"  # as Graph's PATCH assigns it
    assert directory.find_by_upn("b.simon@contoso.com") is None
    assert directory.find_by_upn("britta.simon@contoso.com") is britta
    del directory.users[britta.id]  # a test may purge with del
    assert directory.find_by_upn("britta.simon@contoso.com") is None


def test_soft_deleted_users_are_found_only_when_asked_and_keep_their_upn_taken() -> None:
    directory = Directory()
    gone = directory.add_user(user("gone@contoso.com"))
    directory.soft_delete_user(gone.id, datetime(2026, 1, 1, tzinfo=UTC))
    assert directory.find_by_upn("gone@contoso.com") is None
    assert directory.find_by_upn("gone@contoso.com", include_deleted=True) is gone
    try:
        directory.add_user(user("GONE@contoso.com"))
    except ValueError as error:
        assert "userPrincipalName" in str(error)
    else:
        raise AssertionError("a UPN held by a deleted user was given again")


def test_users_put_in_directly_are_found() -> None:
    directory = Directory()
    many = [user(f"u{n}@contoso.com") for n in range(50)]
    directory.users.update({u.id: u for u in many})
    assert [directory.find_by_upn(f"U{n}@contoso.com") for n in range(50)] == many

"""Binds every feature under features/ to pytest (pytest-bdd: one scenarios() call)."""

from pytest_bdd import scenarios

scenarios("../features")

"""Turns Microsoft's published gallery tutorials into app profiles (issue 18): `import_tutorial(path)`."""

from gallery.importer.tutorial import import_tutorial

__all__ = ["import_tutorial"]

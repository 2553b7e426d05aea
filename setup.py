"""Package list for the wheel: the ``app`` tree plus the top-level ``resources/`` folder,
installed as ``app.resources`` (see [tool.setuptools] in pyproject.toml)."""

from __future__ import annotations

from setuptools import find_namespace_packages, find_packages, setup

RESOURCE_PACKAGES = [
    "app.resources",
    *(f"app.resources.{name}" for name in find_namespace_packages(where="resources")),
]

setup(packages=[*find_packages(include=["app", "app.*"]), *RESOURCE_PACKAGES])

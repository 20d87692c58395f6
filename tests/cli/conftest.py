"""Fixtures of the CLI tests: ``platform`` (on the backend under test) and ``make_platform``."""

from __future__ import annotations

import pytest

from tests.cli.sandbox import Platform, platform_database_url


@pytest.fixture
def make_platform(tmp_path, worker_id_suffix):
    """``make_platform(backend, **config)``: a Platform under tmp_path, cleaned up after the test."""
    made = []

    def make(backend: str = "sqlite", name: str = "clitest", **config) -> Platform:
        url = platform_database_url(backend, worker_id_suffix, name)
        platform = Platform(tmp_path / f"platform{len(made)}", url, **config)
        made.append(platform)
        return platform

    yield make
    for platform in made:
        platform.close()


@pytest.fixture
def platform(make_platform, ptcc_backend):
    """A temporary platform on the backend under test (``--ptcc-backends``)."""
    return make_platform(ptcc_backend)

"""Fixtures of the cache tests."""

from __future__ import annotations

import pytest


@pytest.fixture
def other_process(ptcc_base_config, app):
    """A second application on the same databases: what another gunicorn worker or host is."""
    from ptcc.app import create_app

    other = create_app(ptcc_base_config)
    yield other
    other.extensions["ptcc"].engines.dispose_all()  # its connections would keep the databases from being dropped

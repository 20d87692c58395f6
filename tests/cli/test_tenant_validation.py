"""`ptcc tenant create` checks --admin-email and --plugin before anything is written."""

from __future__ import annotations

import pytest

from tests.cli.checkout import CODE


@pytest.mark.parametrize("extra, message", [
    (("--admin-email", "pas-une-adresse"), "invalid e-mail address 'pas-une-adresse'"),
    (("--admin-email", "admin@"), "invalid e-mail address 'admin@'"),
    (("--admin-email", "admin@lyon.example", "--plugin", "nope"), "unknown plugin 'nope' (installed: volunteering)"),
    (("--admin-email", "admin@lyon.example", "--plugin", "volunteering", "--plugin", "web"),
     "unknown plugin 'web'"),  # a core module is no plugin to enable
])
def test_a_bad_address_or_plugin_is_refused_and_nothing_is_created(platform, extra, message):
    result = platform.run("tenant", "create", "lyon", "--name", "Lyon Métropole", *extra, input="x\n")

    assert result.exit_code == 1
    assert message in result.output
    assert "Administrator password" not in result.output  # refused before the password is asked
    assert not (platform.tenants / "lyon").exists()
    assert not (platform.instance / "databases" / "lyon.db").exists()
    if platform.database_url:
        from sqlalchemy_utils import database_exists

        assert not database_exists(platform.database_url.format(tenant="lyon"))


def test_the_console_script_refuses_an_unknown_plugin_with_a_clear_error(platform):
    result = platform.subprocess("tenant", "create", "lyon", "--name", "Lyon", "--admin-email", "a@lyon.example",
                                 "--plugin", "forge", "--send-link", **CODE)
    assert result.returncode == 1
    assert "Error: unknown plugin 'forge' (installed: volunteering)" in result.stderr
    assert "Traceback" not in result.stderr and not (platform.tenants / "lyon").exists()

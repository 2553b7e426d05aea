"""The command line's fixtures (the stand-in with the test key, ``cli``, ``cli_process``,
``write_settings``) for the reliability tests."""

from tests.cli.conftest import cli, cli_process, gateway, write_settings  # noqa: F401

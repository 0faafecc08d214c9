"""Settings read from the environment: a VANBAN_* name this version does not read (a typo, a
retired setting) is said when the app starts, never ignored silently."""

from __future__ import annotations

import logging

import pytest

from service import create_app
from service.config import Settings, unknown_variables


def test_every_setting_and_gunicorns_own_names_are_known():
    env = {"VANBAN_POOL_SIZE": "2", "VANBAN_BATCH_OUTPUT_DIR": "/x", "VANBAN_AUTH_KEYS": "",
           "VANBAN_SIGNING_PROFILES": "/p.json", "VANBAN_WORKERS": "2", "VANBAN_ENV": "",
           "VANBAN_DATABASE_URL": "sqlite://", "PATH": "/bin"}
    assert unknown_variables(env) == []


def test_a_typo_and_a_retired_name_are_each_said():
    env = {"VANBAN_POOL_SIZ": "2", "VANBAN_BATCH_JOURNAL": "/srv/j", "VANBAN_POOL_SIZE": "2"}
    assert unknown_variables(env) == [
        "VANBAN_BATCH_JOURNAL is no longer read: a store shared between machines is PostgreSQL "
        "now (VANBAN_DATABASE_URL)",
        "VANBAN_POOL_SIZ is not a setting of vanban (ignored); see README, Configuration"]


class Heard(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.said: list[tuple[str, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.said.append((record.levelname, record.getMessage()))


def test_the_app_says_them_as_it_starts(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("VANBAN_PDF_ENABLD", "1")
    heard = Heard()
    logging.getLogger("vanban.config").addHandler(heard)
    try:
        create_app(Settings.from_env({}, pdf_enabled=False))
    finally:
        logging.getLogger("vanban.config").removeHandler(heard)
    assert heard.said == [("WARNING", "VANBAN_PDF_ENABLD is not a setting of vanban (ignored); "
                                      "see README, Configuration")]

"""Signing fixtures: a throwaway PKI (tests/sign/pki.py) and one app with a warm LibreOffice
that signs with it, shared by the session."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from flask import Flask

from service import create_app
from service.config import PoolSettings, Settings, SigningSettings
from tests.conftest import example
from tests.sign.pki import Pki, make_pki


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return make_pki(tmp_path_factory.mktemp("pki"))


def signing_settings(pki: Pki, **overrides: object) -> Settings:
    return Settings.from_env({}, pool=PoolSettings(size=1, timeout=60.0),
                             signing=SigningSettings(str(pki.profiles), str(pki.ca_pem)),
                             **overrides)


@pytest.fixture(scope="session")
def sign_app(pki: Pki) -> Iterator[Flask]:
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed (scripts/install-system-deps.sh)")
    app = create_app(signing_settings(pki))
    yield app
    app.extensions["vanban.pipeline"].converter.close()


@pytest.fixture(scope="session")
def signed(sign_app: Flask) -> bytes:
    """The kế hoạch example signed by the person and the agency."""
    payload = example("ke_hoach")
    payload["sign"] = {"personal": "ha", "agency": "vanthu"}
    response = sign_app.test_client().post("/v1/documents?format=pdf", json=payload)
    assert response.status_code == 200, response.data[:300]
    return response.data

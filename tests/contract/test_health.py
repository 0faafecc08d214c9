"""Liveness and readiness answer as an orchestrator expects."""

from service import create_app
from service.config import Settings
from service.convert import DocxSource


class Pool:
    def __init__(self, ready: bool) -> None:
        self._ready = ready

    def ready(self) -> bool:
        return self._ready

    def to_pdf(self, docx: DocxSource, options: object = None) -> bytes:
        raise AssertionError("not used")


def test_healthz_and_readyz_without_pdf(client):
    assert client.get("/healthz").json == {"status": "ok"}
    assert client.get("/readyz").json == {"status": "ready", "pdf": "disabled"}


def test_readyz_follows_the_pool():
    ready = create_app(Settings.from_env({}), converter=Pool(True)).test_client()
    assert ready.get("/readyz").status_code == 200
    starting = create_app(Settings.from_env({}), converter=Pool(False)).test_client()
    response = starting.get("/readyz")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "2"
    assert starting.get("/healthz").status_code == 200     # alive while not ready

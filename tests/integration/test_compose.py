"""docker-compose.yml runs web and worker from the image the Dockerfile builds, Redis with its
append-only file and PostgreSQL, each with a health check, and points both vanban services at
the same database, broker and storage. No Docker engine runs here, so this reads the file."""

from __future__ import annotations

import yaml

from service.config import Settings
from tests.conftest import ROOT

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]


def test_four_services_each_with_a_health_check():
    assert set(SERVICES) == {"web", "worker", "redis", "postgres"}
    for name, service in SERVICES.items():
        assert service["healthcheck"]["test"], name


def test_web_and_worker_are_the_one_image_on_one_database_broker_and_storage():
    web, worker = SERVICES["web"], SERVICES["worker"]
    assert web["image"] == worker["image"] == "vanban"
    assert web["build"] == worker["build"] == "."
    assert web["environment"] == worker["environment"]
    env = {k: str(v).replace("${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD}", "pw")
           for k, v in web["environment"].items() if not str(v).startswith("${")}
    settings = Settings.from_env(env)          # every variable is one the service reads
    assert settings.batch.backend == "celery"
    assert settings.database.url.startswith("postgresql://vanban:pw@postgres/")
    assert settings.batch.redis_url == "redis://redis:6379/0"
    assert settings.storage.url == "database"
    assert worker["command"][:4] == [".venv/bin/celery", "-A", "service.worker", "worker"]
    for service in (web, worker):
        assert {"postgres", "redis"} <= set(service["depends_on"])
        assert all(d["condition"] == "service_healthy" for d in service["depends_on"].values())


def test_redis_keeps_its_queue_across_a_restart():
    command = SERVICES["redis"]["command"]
    assert command[command.index("--appendonly") + 1] == "yes"
    assert "/data" in SERVICES["redis"]["volumes"][0]

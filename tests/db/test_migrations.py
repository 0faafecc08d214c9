"""The database layer: one head, upgrades from an empty database and from the job store file of
the versions before it, the models and the migrations in step, several processes migrating at
once, on SQLite and on PostgreSQL."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from service.config import DatabaseSettings, Settings
from service.db import Base, Database, close_database, open_database
from service.db.migrate import alembic_config, current, heads, upgrade
from tests.batch.conftest import wait_status
from tests.conftest import ROOT, batch_settings, example


def test_there_is_exactly_one_head():
    script = ScriptDirectory.from_config(alembic_config())
    assert len(script.get_heads()) == 1, script.get_heads()
    assert heads() == frozenset(script.get_heads())


def test_an_empty_database_is_upgraded_to_the_head_and_matches_the_models(database_url):
    database = open_database(DatabaseSettings(url=database_url))
    with database.read() as connection:
        assert current(connection) == heads()
        assert {"batch_jobs", "batch_items"} <= set(inspect(connection).get_table_names())
        # Every model has its migration: autogenerate would find nothing to add.
        assert compare_metadata(MigrationContext.configure(connection), Base.metadata) == []
    assert upgrade(database) is False                   # at the head: nothing more to do


UPGRADE_WHEN_TOLD = """
import os, sys, time
from service.db import Database
from service.db.migrate import upgrade
database = Database(sys.argv[1])
while not os.path.exists(sys.argv[2]):
    time.sleep(0.005)
print(upgrade(database))
"""


def test_processes_starting_at_once_migrate_once(database_url, tmp_path):
    go = tmp_path / "go"
    processes = [subprocess.Popen([sys.executable, "-c", UPGRADE_WHEN_TOLD, database_url,
                                   str(go)], cwd=ROOT, stdout=subprocess.PIPE, text=True)
                 for _ in range(3)]
    time.sleep(1.0)                                     # let them import and wait
    go.touch()                                          # all at once
    done = sorted(process.communicate(timeout=60)[0].strip() for process in processes)
    assert done == ["False", "False", "True"]           # one migrated; the others found it done
    database = Database(database_url)
    with database.read() as connection:
        assert current(connection) == heads()
    database.dispose()


# The job store of the versions before the database: one SQLite file, as they made it.
LEGACY_SCHEMA = """
CREATE TABLE jobs (id TEXT PRIMARY KEY, created REAL NOT NULL, status TEXT NOT NULL,
    format TEXT NOT NULL, merged_pdf INTEGER NOT NULL, total INTEGER NOT NULL, message TEXT,
    dispatched INTEGER NOT NULL DEFAULT 0);
CREATE TABLE items (job_id TEXT NOT NULL REFERENCES jobs(id), idx INTEGER NOT NULL,
    state TEXT NOT NULL, payload TEXT, name TEXT, key TEXT, filename TEXT, filename_utf8 TEXT,
    error TEXT, owner TEXT, worker TEXT, lease_until REAL, not_before REAL NOT NULL DEFAULT 0,
    attempts INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (job_id, idx));
"""


def legacy_store(path: Path, output_dir: Path) -> tuple[str, str]:
    """An old store with a finished batch (its file in place) and one still to be made."""
    done, todo = "a" * 32, "b" * 32
    payload = json.dumps({**example("quyet_dinh"), "number": 7}, ensure_ascii=False)
    db = sqlite3.connect(path)
    db.executescript(LEGACY_SCHEMA)
    db.execute("INSERT INTO jobs VALUES (?, ?, 'done', 'docx', 0, 1, NULL, 1)",
               (done, time.time()))
    db.execute("INSERT INTO items (job_id, idx, state, payload, filename, filename_utf8) "
               "VALUES (?, 0, 'done', ?, '07-QD-UBND.docx', '07-QĐ-UBND.docx')", (done, payload))
    db.execute("INSERT INTO jobs VALUES (?, ?, 'running', 'docx', 0, 2, NULL, 1)",
               (todo, time.time()))
    db.execute("INSERT INTO items (job_id, idx, state, payload, error) VALUES "
               "(?, 0, 'failed', NULL, ?)", (todo, json.dumps({"fields": {"number": ["x"]}})))
    db.execute("INSERT INTO items (job_id, idx, state, payload, attempts) VALUES "
               "(?, 1, 'pending', ?, 0)", (todo, payload))
    db.commit()
    db.close()
    (output_dir / done).mkdir(parents=True)
    (output_dir / done / "00000.docx").write_bytes(b"PK made before")
    return done, todo


def test_the_old_job_store_is_moved_in_at_the_first_start_and_its_batches_go_on(
        make_app, tmp_path, database_url):
    done, todo = legacy_store(tmp_path / "jobs.sqlite3", tmp_path / "out")
    app = make_app(database_url=database_url)   # batch.db is tmp_path/jobs.sqlite3
    client = app.test_client()
    assert wait_status(client, f"/v1/batches/{done}")["done"] == 1
    assert client.get(f"/v1/batches/{done}/result").status_code == 200
    status = wait_status(client, f"/v1/batches/{todo}")
    assert (status["status"], status["done"], status["failed"]) == ("done", 1, 1)
    assert status["errors"] == [{"index": 0, "fields": {"number": ["x"]}}]
    assert not (tmp_path / "jobs.sqlite3").exists()
    assert (tmp_path / "jobs.sqlite3.imported").exists()
    # A second start finds nothing more to move.
    assert app.extensions["vanban.batch"].store.import_legacy(tmp_path / "jobs.sqlite3") == 0


def test_db_upgrade_on_the_command_line(tmp_path):
    url = f"sqlite:///{tmp_path / 'vanban.sqlite3'}"
    legacy_store(tmp_path / "old.sqlite3", tmp_path / "out")
    env = {**os.environ, "VANBAN_DATABASE_URL": url,
           "VANBAN_BATCH_DB": str(tmp_path / "old.sqlite3"),
           "VANBAN_BATCH_OUTPUT_DIR": str(tmp_path / "out")}
    result = subprocess.run([sys.executable, "-m", "service", "db", "upgrade"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (f"Cơ sở dữ liệu ở phiên bản {min(heads())}; "
                                     f"đã chuyển 2 lô từ {tmp_path / 'old.sqlite3'}.")
    again = subprocess.run([sys.executable, "-m", "service", "db", "upgrade"], cwd=ROOT, env=env,
                           capture_output=True, text=True, timeout=60)
    assert again.stdout.strip() == f"Cơ sở dữ liệu ở phiên bản {min(heads())}."


def test_the_service_starts_on_a_postgresql_url_as_written(postgres_url, tmp_path):
    """`postgresql://` (no driver named) is PostgreSQL through psycopg 3."""
    from service import create_app

    plain = postgres_url.replace("postgresql+psycopg://", "postgresql://")
    settings = batch_settings(tmp_path, plain)
    app = create_app(settings)
    try:
        response = app.test_client().post("/v1/batches", json={"items": [example("to_trinh")]})
        assert response.status_code == 202
        status = wait_status(app.test_client(), response.get_json()["status_url"])
        assert status["done"] == 1
        assert app.extensions["vanban.database"].engine.dialect.name == "postgresql"
    finally:
        app.extensions["vanban.batch"].close()
        close_database(plain)


def test_the_database_url_follows_the_settings_rule(tmp_path):
    assert Settings.from_env({"VANBAN_DATABASE_URL": "postgresql://u:p@db/vanban"}
                             ).database.url == "postgresql://u:p@db/vanban"
    assert "p@" not in repr(Settings.from_env({"VANBAN_DATABASE_URL": "postgresql://u:p@db/v"}))


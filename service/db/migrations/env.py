"""Alembic's environment: migrations run on the connection service.db.migrate hands over."""

from alembic import context

import service.db.models  # noqa: F401  (every area's tables, for autogenerate)
from service.db.base import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise SystemExit("Run migrations with `python -m service db upgrade` (service/db/migrate.py).")
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    # SQLite alters a table by copying it; batch operations do that and run on PostgreSQL too.
    render_as_batch=True,
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()

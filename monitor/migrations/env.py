"""Alembic environment: runs against the engine handed over by monitor.db."""
from alembic import context

import monitor.models  # noqa: F401  (registers the tables)
from sqlmodel import SQLModel

config = context.config
engine = config.attributes["engine"]

with engine.begin() as connection:
    context.configure(connection=connection, target_metadata=SQLModel.metadata,
                      render_as_batch=connection.dialect.name == "sqlite")
    context.run_migrations()

"""ArcState's test statistics in columns of their own instead of a JSON document (ArcState.state).

The document held the evaluation day and the figures behind the trend (slope_z, recent_slope, recent_z, shift,
drop_t, active_days). As JSON text it was about 150 of an ArcState row's 580 bytes, built in Python for every
arc an evaluation writes and parsed by PostgreSQL for every row it receives; an incremental evaluation
rewrites thousands of rows spread over nearly every page of the table, so the table's size is what it writes
(SQLite: the pages into the WAL; PostgreSQL: a full image of each page after a checkpoint). As numbers the
same figures take 48 bytes, with the same values to the bit (a JSON float is its repr).

Revision ID: 0009_arcstate_figures
Revises: 0008_mention_author_guard
"""
import json

import sqlalchemy as sa
from alembic import op

revision = "0009_arcstate_figures"
down_revision = "0008_mention_author_guard"
branch_labels = None
depends_on = None

FLOATS = ("slope_z", "recent_slope", "recent_z", "shift", "drop_t")


def upgrade() -> None:
    with op.batch_alter_table("arcstate") as batch:
        batch.add_column(sa.Column("as_of", sa.Date(), nullable=True))
        for name in FLOATS:
            batch.add_column(sa.Column(name, sa.Float(), nullable=True))
        batch.add_column(sa.Column("active_days", sa.Integer(), nullable=False, server_default="0"))
    if op.get_bind().dialect.name == "postgresql":
        values = ["as_of = (state->>'as_of')::date", "active_days = coalesce((state->>'active_days')::int, 0)"]
        values += [f"{name} = (state->>'{name}')::float8" for name in FLOATS]
    else:
        values = ["as_of = json_extract(state, '$.as_of')",
                  "active_days = coalesce(json_extract(state, '$.active_days'), 0)"]
        values += [f"{name} = json_extract(state, '$.{name}')" for name in FLOATS]
    op.execute(f"UPDATE arcstate SET {', '.join(values)} WHERE state IS NOT NULL")
    with op.batch_alter_table("arcstate") as batch:
        batch.drop_column("state")


def downgrade() -> None:
    with op.batch_alter_table("arcstate") as batch:
        batch.add_column(sa.Column("state", sa.JSON(), nullable=True))
    # written in Python: SQLite's json_object prints a float to 15 digits, which does not give it back exactly
    bind, names = op.get_bind(), ("as_of",) + FLOATS + ("active_days",)
    rows = bind.execute(sa.text(f"SELECT subject, {', '.join(names)} FROM arcstate")).all()
    documents = [{"subject": row[0], "state": json.dumps(
        {"as_of": None if row[1] is None else str(row[1]), **dict(zip(names[1:], row[2:]))}, separators=(",", ":"))}
        for row in rows]
    if documents:
        bind.execute(sa.text("UPDATE arcstate SET state = :state WHERE subject = :subject"), documents)
    with op.batch_alter_table("arcstate") as batch:
        for name in names:
            batch.drop_column(name)

"""ArcDaily is keyed (day, subject) instead of (subject, day): an evaluation's new rows land together.

An incremental evaluation adds the daily sums of its new mentions, nearly all of them for the last few
days. Keyed subject first, each of those rows went into the key's page of its own subject, so 10,000 new
mentions in a store of 1,000,000 rewrote 6,605 of the key's 8,575 pages on SQLite (44% of all the pages
the evaluation wrote); keyed day first they fill 115. Reads of one subject ask for its days explicitly
(monitor/_arcdays.py), one key lookup per day and subject.

SQLite cannot change a primary key in place: the table is copied into one with the new key, in key
order. PostgreSQL swaps the constraint.

Revision ID: 0007_arcdaily_by_day
Revises: 0006_arcstate_in_place
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel

import monitor.models

revision = "0007_arcdaily_by_day"
down_revision = "0006_arcstate_in_place"
branch_labels = None
depends_on = None

COLUMNS = "subject, day, total, count, negatives, first_at, last_at"


def upgrade() -> None:
    _rekey(("day", "subject"))


def downgrade() -> None:
    _rekey(("subject", "day"))


def _rekey(key: tuple[str, str]) -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        name = sa.inspect(bind).get_pk_constraint("arcdaily")["name"]
        op.execute(f'ALTER TABLE arcdaily DROP CONSTRAINT "{name}"')
        op.execute(f"ALTER TABLE arcdaily ADD PRIMARY KEY ({', '.join(key)})")
        return
    op.create_table(
        "arcdaily_rekeyed",
        sa.Column("subject", sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("total", sa.Float(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("negatives", sa.Integer(), nullable=False),
        sa.Column("first_at", monitor.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_at", monitor.models.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint(*key))
    op.execute(f"INSERT INTO arcdaily_rekeyed ({COLUMNS}) SELECT {COLUMNS} FROM arcdaily ORDER BY {', '.join(key)}")
    op.drop_table("arcdaily")
    op.rename_table("arcdaily_rekeyed", "arcdaily")

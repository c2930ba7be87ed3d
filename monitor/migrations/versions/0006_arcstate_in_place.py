"""ArcState rows are rewritten in place: no index on refresh_on, and on PostgreSQL room on every page.

An incremental evaluation rewrites the ArcState row of every subject it touches (about one in five after
10,000 new mentions in a store of 1,000,000). On PostgreSQL an update that changes no indexed column and
finds room on the row's own page is a heap-only (HOT) update: no new entry in any index. refresh_on
changes with nearly every update, so its index made every update a full one; the index served only the
search for arcs whose windows moved on, which now runs once per day, as a scan (monitor/arcupdate.py).
fillfactor 80 leaves that room on the pages. Measured on a 10,000-mention update over 61,613 arcs: the
ArcState upsert took 0.11 s instead of 0.17-0.22 s.

Revision ID: 0006_arcstate_in_place
Revises: 0005_arc_window
"""
from alembic import op

revision = "0006_arcstate_in_place"
down_revision = "0005_arc_window"
branch_labels = None
depends_on = None

FILLFACTOR = 80  # percent of each heap page filled by inserts; the rest takes updated rows


def upgrade() -> None:
    op.drop_index("ix_arcstate_refresh_on", table_name="arcstate")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"ALTER TABLE arcstate SET (fillfactor = {FILLFACTOR})")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE arcstate RESET (fillfactor)")
    op.create_index("ix_arcstate_refresh_on", "arcstate", ["refresh_on"], unique=False)

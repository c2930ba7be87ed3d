"""ArcState keeps its lookback window's days, so an incremental evaluation reads one row per arc.

Adds arcstate.window_days (the days from window_from on, packed; see monitor/_arcwindow.py) and
arcstate.window_from. Rows from before this migration have no window and are read from arcdaily
once, the next time they are recomputed.

Revision ID: 0005_arc_window
Revises: 0004_one_open_alert
"""
from alembic import op
import sqlalchemy as sa

revision = "0005_arc_window"
down_revision = "0004_one_open_alert"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("arcstate", schema=None) as batch_op:
        batch_op.add_column(sa.Column("window_days", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("window_from", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("arcstate", schema=None) as batch_op:
        batch_op.drop_column("window_from")
        batch_op.drop_column("window_days")

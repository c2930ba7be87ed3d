"""At most one unresolved alert per subject and rule, enforced by a partial unique index.

Revision ID: 0004_one_open_alert
Revises: 0003_partial_edited
"""
from alembic import op
import sqlalchemy as sa

revision = "0004_one_open_alert"
down_revision = "0003_partial_edited"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("uq_alert_open_subject_rule", "alert", ["subject", "rule"], unique=True,
                    sqlite_where=sa.text("status <> 'resolved'"),
                    postgresql_where=sa.text("status <> 'resolved'"))


def downgrade() -> None:
    op.drop_index("uq_alert_open_subject_rule", table_name="alert")

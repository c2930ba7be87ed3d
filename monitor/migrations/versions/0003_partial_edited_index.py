"""Make the edited_at index partial: only edited or deleted mentions are in it, so imports skip it.

Revision ID: 0003_partial_edited
Revises: 0002_arcs
"""
from alembic import op
import sqlalchemy as sa

revision = "0003_partial_edited"
down_revision = "0002_arcs"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_mention_edited_at", table_name="mention")
    op.create_index("ix_mention_edited_at", "mention", ["edited_at"], unique=False,
                    sqlite_where=sa.text("edited_at IS NOT NULL"),
                    postgresql_where=sa.text("edited_at IS NOT NULL"))


def downgrade() -> None:
    op.drop_index("ix_mention_edited_at", table_name="mention")
    op.create_index("ix_mention_edited_at", "mention", ["edited_at"], unique=False)

"""arcs: incremental arc bookkeeping and the link audit trail

Adds ArcState.mentions_30d/negative_days_30d/refresh_on, ArcDaily.first_at/last_at, an index on
Mention.edited_at, and the tables arcdirty and linkevent.

Revision ID: 0002_arcs
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import monitor.models


revision = '0002_arcs'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('arcstate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mentions_30d', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('negative_days_30d', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('refresh_on', sa.Date(), nullable=True))
        batch_op.create_index('ix_arcstate_refresh_on', ['refresh_on'], unique=False)
    with op.batch_alter_table('arcdaily', schema=None) as batch_op:
        batch_op.add_column(sa.Column('first_at', monitor.models.UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('last_at', monitor.models.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table('mention', schema=None) as batch_op:
        batch_op.create_index('ix_mention_edited_at', ['edited_at'], unique=False)
    op.create_table('arcdirty',
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('marked_at', monitor.models.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('subject')
    )
    op.create_table('linkevent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', monitor.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=256), nullable=False),
    sa.Column('action', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('customer_id', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('platform', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('handle_norm', sqlmodel.sql.sqltypes.AutoString(length=256), nullable=False),
    sa.Column('origin', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('linkevent', schema=None) as batch_op:
        batch_op.create_index('ix_linkevent_customer', ['customer_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('linkevent', schema=None) as batch_op:
        batch_op.drop_index('ix_linkevent_customer')
    op.drop_table('linkevent')
    op.drop_table('arcdirty')
    with op.batch_alter_table('mention', schema=None) as batch_op:
        batch_op.drop_index('ix_mention_edited_at')
    with op.batch_alter_table('arcdaily', schema=None) as batch_op:
        batch_op.drop_column('last_at')
        batch_op.drop_column('first_at')
    with op.batch_alter_table('arcstate', schema=None) as batch_op:
        batch_op.drop_index('ix_arcstate_refresh_on')
        batch_op.drop_column('refresh_on')
        batch_op.drop_column('negative_days_30d')
        batch_op.drop_column('mentions_30d')

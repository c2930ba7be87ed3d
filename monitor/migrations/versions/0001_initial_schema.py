"""initial schema

Revision ID: 0001
Revises: 
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel
import monitor.models


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    
    op.create_table('alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rule', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('customer_id', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('severity', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('assignee', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('created_at', monitor.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', monitor.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('first_action_at', monitor.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('snoozed_until', monitor.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolved_at', monitor.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('resolution', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('evidence', sa.JSON(), nullable=True),
    sa.Column('arc_snapshot', sa.JSON(), nullable=True),
    sa.Column('outcome', sa.JSON(), nullable=True),
    sa.Column('notified_at', monitor.models.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.create_index('ix_alert_status', ['status'], unique=False)
        batch_op.create_index('ix_alert_subject_rule', ['subject', 'rule'], unique=False)

    op.create_table('arcdaily',
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('total', sa.Float(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('negatives', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('subject', 'day')
    )
    op.create_table('arcstate',
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('customer_id', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('trend', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('level', sa.Float(), nullable=True),
    sa.Column('mean_30d', sa.Float(), nullable=True),
    sa.Column('mean_prior', sa.Float(), nullable=True),
    sa.Column('slope', sa.Float(), nullable=True),
    sa.Column('negative_7d', sa.Integer(), nullable=False),
    sa.Column('negative_30d', sa.Integer(), nullable=False),
    sa.Column('change_point', sa.Date(), nullable=True),
    sa.Column('mentions', sa.Integer(), nullable=False),
    sa.Column('first_seen', monitor.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_mention_at', monitor.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('updated_at', monitor.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('state', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('subject')
    )
    op.create_table('author',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('handle', sqlmodel.sql.sqltypes.AutoString(length=256), nullable=False),
    sa.Column('handle_norm', sqlmodel.sql.sqltypes.AutoString(length=256), nullable=False),
    sa.Column('external_id', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
    sa.Column('first_seen', monitor.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_seen', monitor.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('claimed_tenure_years', sa.Float(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('platform', 'handle_norm', name='uq_author_platform_handle')
    )
    op.create_table('customer',
    sa.Column('customer_id', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('customer_since', sa.Date(), nullable=False),
    sa.Column('account', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('tier', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('owner', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('updated_at', monitor.models.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('customer_id')
    )
    op.create_table('digestsend',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('recipient', sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('message_id', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('sent_at', monitor.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('day', 'recipient', 'kind', name='uq_digest_day_recipient')
    )
    op.create_table('heartbeat',
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('at', monitor.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('pid', sa.Integer(), nullable=False),
    sa.Column('info', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('keyvalue',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('value', sa.JSON(), nullable=True),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('loginattempt',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
    sa.Column('at', monitor.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('loginattempt', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_loginattempt_key'), ['key'], unique=False)

    op.create_table('sourcestate',
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('cursor', sa.JSON(), nullable=True),
    sa.Column('last_run', monitor.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_success', monitor.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('consecutive_failures', sa.Integer(), nullable=False),
    sa.Column('fetched_total', sa.Integer(), nullable=False),
    sa.Column('last_fetched', sa.Integer(), nullable=False),
    sa.Column('backoff_until', monitor.models.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
    sa.Column('role', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('password_hash', sqlmodel.sql.sqltypes.AutoString(), nullable=False),
    sa.Column('api_token_hash', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.Column('created_at', monitor.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('disabled', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('email')
    )
    op.create_table('alertevent',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alert_id', sa.Integer(), nullable=False),
    sa.Column('at', monitor.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('actor', sqlmodel.sql.sqltypes.AutoString(length=256), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['alert_id'], ['alert.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('alertevent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alertevent_alert_id'), ['alert_id'], unique=False)

    op.create_table('authorlink',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('platform', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('handle_norm', sqlmodel.sql.sqltypes.AutoString(length=256), nullable=False),
    sa.Column('origin', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', monitor.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('removed_at', monitor.models.UTCDateTime(timezone=True), nullable=True),
    sa.Column('removed_by', sqlmodel.sql.sqltypes.AutoString(), nullable=True),
    sa.ForeignKeyConstraint(['customer_id'], ['customer.customer_id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('platform', 'handle_norm', 'customer_id', name='uq_link')
    )
    with op.batch_alter_table('authorlink', schema=None) as batch_op:
        batch_op.create_index('ix_link_handle', ['platform', 'handle_norm'], unique=False)

    op.create_table('mention',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('external_id', sqlmodel.sql.sqltypes.AutoString(length=256), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=True),
    sa.Column('created_at', monitor.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('fetched_at', monitor.models.UTCDateTime(timezone=True), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('parent_id', sqlmodel.sql.sqltypes.AutoString(length=256), nullable=True),
    sa.Column('thread_id', sqlmodel.sql.sqltypes.AutoString(length=256), nullable=True),
    sa.Column('lang', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True),
    sa.Column('raw', sa.JSON(), nullable=True),
    sa.Column('compound', sa.Float(), nullable=False),
    sa.Column('pos', sa.Float(), nullable=False),
    sa.Column('neu', sa.Float(), nullable=False),
    sa.Column('neg', sa.Float(), nullable=False),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('cues', sa.JSON(), nullable=True),
    sa.Column('deleted', sa.Boolean(), nullable=False),
    sa.Column('edited_at', monitor.models.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['author.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('platform', 'external_id', name='uq_mention_platform_external')
    )
    with op.batch_alter_table('mention', schema=None) as batch_op:
        batch_op.create_index('ix_mention_author_created', ['author_id', 'created_at'], unique=False)
        batch_op.create_index('ix_mention_created_at', ['created_at'], unique=False)

    


def downgrade() -> None:
    
    with op.batch_alter_table('mention', schema=None) as batch_op:
        batch_op.drop_index('ix_mention_created_at')
        batch_op.drop_index('ix_mention_author_created')

    op.drop_table('mention')
    with op.batch_alter_table('authorlink', schema=None) as batch_op:
        batch_op.drop_index('ix_link_handle')

    op.drop_table('authorlink')
    with op.batch_alter_table('alertevent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alertevent_alert_id'))

    op.drop_table('alertevent')
    op.drop_table('user')
    op.drop_table('sourcestate')
    with op.batch_alter_table('loginattempt', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_loginattempt_key'))

    op.drop_table('loginattempt')
    op.drop_table('keyvalue')
    op.drop_table('heartbeat')
    op.drop_table('digestsend')
    op.drop_table('customer')
    op.drop_table('author')
    op.drop_table('arcstate')
    op.drop_table('arcdaily')
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.drop_index('ix_alert_subject_rule')
        batch_op.drop_index('ix_alert_status')

    op.drop_table('alert')
    

"""staying current: cohort due dates, certificates that expire and renew, spaced refreshers

Mandatory training has a date and must stay current (issue 23). Adds `cohort.due_on` (the "complete by"
date). A certificate is no longer one per trainee forever: `user_id` loses its uniqueness, and the one in
force is marked by `current_of` (unique), so renewals keep the older certificates, which verify as
superseded (`superseded_at`, `superseded_by_id`); `completed_at` is the certificate's date (when the last
module was passed: existing certificates take their issue date) and `valid_until` its end (NULL: never).
New tables: module_certification (each trainee's period in each module: from its pass or renewal to its
expiry, and when it lapsed), refresher_card (the FSRS schedule of each objective), refresher and
refresher_item (the refreshers, their served questions and answers).

Revision ID: 30eea4482624
Revises: 3b8d4e6f1a27
Create Date: 2026-12-07 01:51:16.855508

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '30eea4482624'
down_revision = '3b8d4e6f1a27'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('module_certification',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('module_slug', sa.String(length=80), nullable=False),
    sa.Column('certified_at', sa.DateTime(), nullable=False),
    sa.Column('valid_until', sa.DateTime(), nullable=True),
    sa.Column('lapsed_at', sa.DateTime(), nullable=True),
    sa.Column('renewals', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_module_certification_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_module_certification')),
    sa.UniqueConstraint('user_id', 'module_slug', name=op.f('uq_module_certification_user_id_module_slug'))
    )
    with op.batch_alter_table('module_certification', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_module_certification_valid_until'), ['valid_until'], unique=False)

    op.create_table('refresher',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('open_of', sa.Integer(), nullable=True),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_refresher_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refresher')),
    sa.UniqueConstraint('open_of', name=op.f('uq_refresher_open_of'))
    )
    with op.batch_alter_table('refresher', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refresher_user_id'), ['user_id'], unique=False)

    op.create_table('refresher_card',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('module_slug', sa.String(length=80), nullable=False),
    sa.Column('objective', sa.Integer(), nullable=False),
    sa.Column('card', sa.JSON(), nullable=False),
    sa.Column('due_at', sa.DateTime(), nullable=False),
    sa.Column('reviewed_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_refresher_card_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refresher_card')),
    sa.UniqueConstraint('user_id', 'module_slug', 'objective', name=op.f('uq_refresher_card_user_id_module_slug_objective'))
    )
    with op.batch_alter_table('refresher_card', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_refresher_card_due_at'), ['due_at'], unique=False)

    op.create_table('refresher_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('refresher_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('module_slug', sa.String(length=80), nullable=False),
    sa.Column('objective', sa.Integer(), nullable=False),
    sa.Column('question_id', sa.String(length=80), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('response', sa.JSON(), nullable=True),
    sa.Column('score', sa.Double(), nullable=True),
    sa.Column('answered_at', sa.DateTime(), nullable=True),
    sa.Column('days_since_pass', sa.Integer(), nullable=True),
    sa.CheckConstraint('score IS NULL OR (score >= 0 AND score <= 1)', name=op.f('ck_refresher_item_score_in_range')),
    sa.ForeignKeyConstraint(['refresher_id'], ['refresher.id'], name=op.f('fk_refresher_item_refresher_id_refresher'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_refresher_item_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refresher_item')),
    sa.UniqueConstraint('refresher_id', 'position', name=op.f('uq_refresher_item_refresher_id_position'))
    )
    with op.batch_alter_table('refresher_item', schema=None) as batch_op:
        batch_op.create_index('ix_refresher_item_objective', ['module_slug', 'objective'], unique=False)
        batch_op.create_index('ix_refresher_item_user_answered', ['user_id', 'answered_at'], unique=False)

    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('current_of', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('completed_at', sa.DateTime(), nullable=True))
    # Every certificate issued so far is its holder's one in force, dated the day it was issued.
    op.execute("UPDATE certificate SET completed_at = issued_at, current_of = user_id")
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.alter_column('completed_at', existing_type=sa.DateTime(), nullable=False)
        batch_op.add_column(sa.Column('valid_until', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('superseded_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('superseded_by_id', sa.Integer(), nullable=True))
        batch_op.drop_constraint(batch_op.f('uq_certificate_user_id'), type_='unique')
        batch_op.create_index(batch_op.f('ix_certificate_user_id'), ['user_id'], unique=False)
        batch_op.create_unique_constraint(batch_op.f('uq_certificate_current_of'), ['current_of'])
        batch_op.create_foreign_key(batch_op.f('fk_certificate_superseded_by_id_certificate'), 'certificate', ['superseded_by_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('cohort', schema=None) as batch_op:
        batch_op.add_column(sa.Column('due_on', sa.Date(), nullable=True))



def downgrade():
    with op.batch_alter_table('cohort', schema=None) as batch_op:
        batch_op.drop_column('due_on')

    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_certificate_superseded_by_id_certificate'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_certificate_current_of'), type_='unique')
        batch_op.drop_index(batch_op.f('ix_certificate_user_id'))
        batch_op.create_unique_constraint(batch_op.f('uq_certificate_user_id'), ['user_id'])
        batch_op.drop_column('superseded_by_id')
        batch_op.drop_column('superseded_at')
        batch_op.drop_column('valid_until')
        batch_op.drop_column('completed_at')
        batch_op.drop_column('current_of')

    with op.batch_alter_table('refresher_item', schema=None) as batch_op:
        batch_op.drop_index('ix_refresher_item_user_answered')
        batch_op.drop_index('ix_refresher_item_objective')

    op.drop_table('refresher_item')
    with op.batch_alter_table('refresher_card', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refresher_card_due_at'))

    op.drop_table('refresher_card')
    with op.batch_alter_table('refresher', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_refresher_user_id'))

    op.drop_table('refresher')
    with op.batch_alter_table('module_certification', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_module_certification_valid_until'))

    op.drop_table('module_certification')

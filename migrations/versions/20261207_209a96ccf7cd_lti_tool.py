"""lti tool: registered LMS platforms, their launches' people, cohorts and links, scores to send back

Why: the course becomes an LTI 1.3 Advantage tool (issue 25). Platforms and deployments are registered by
an admin; a launch maps (platform, sub) to an account and the LMS course to a cohort; scores wait in
lti_score until the LMS takes them; lti_nonce refuses a replayed id_token; lti_store keeps pylti1p3's
login state out of the Flask session.

Revision ID: 209a96ccf7cd
Revises: 5d899efc5b76
Create Date: 2026-12-07 02:09:45.148102

"""
from alembic import op
import sqlalchemy as sa


revision = '209a96ccf7cd'
down_revision = '5d899efc5b76'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('lti_nonce',
    sa.Column('value', sa.String(length=255), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('value', name=op.f('pk_lti_nonce'))
    )
    with op.batch_alter_table('lti_nonce', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lti_nonce_expires_at'), ['expires_at'], unique=False)

    op.create_table('lti_platform',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('issuer', sa.String(length=255), nullable=False),
    sa.Column('client_id', sa.String(length=255), nullable=False),
    sa.Column('auth_login_url', sa.String(length=500), nullable=False),
    sa.Column('auth_token_url', sa.String(length=500), nullable=False),
    sa.Column('key_set_url', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_platform')),
    sa.UniqueConstraint('issuer', 'client_id', name=op.f('uq_lti_platform_issuer_client_id'))
    )
    op.create_table('lti_store',
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('expires_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_lti_store'))
    )
    with op.batch_alter_table('lti_store', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lti_store_expires_at'), ['expires_at'], unique=False)

    op.create_table('lti_deployment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform_id', sa.Integer(), nullable=False),
    sa.Column('deployment_id', sa.String(length=255), nullable=False),
    sa.ForeignKeyConstraint(['platform_id'], ['lti_platform.id'], name=op.f('fk_lti_deployment_platform_id_lti_platform'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_deployment')),
    sa.UniqueConstraint('platform_id', 'deployment_id', name=op.f('uq_lti_deployment_platform_id_deployment_id'))
    )
    op.create_table('lti_identity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.String(length=255), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['platform_id'], ['lti_platform.id'], name=op.f('fk_lti_identity_platform_id_lti_platform'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_lti_identity_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_identity')),
    sa.UniqueConstraint('platform_id', 'subject', name=op.f('uq_lti_identity_platform_id_subject'))
    )
    with op.batch_alter_table('lti_identity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lti_identity_user_id'), ['user_id'], unique=False)

    op.create_table('lti_context',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform_id', sa.Integer(), nullable=False),
    sa.Column('context_id', sa.String(length=255), nullable=False),
    sa.Column('title', sa.String(length=120), nullable=False),
    sa.Column('cohort_id', sa.Integer(), nullable=False),
    sa.Column('memberships_url', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['cohort_id'], ['cohort.id'], name=op.f('fk_lti_context_cohort_id_cohort'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['platform_id'], ['lti_platform.id'], name=op.f('fk_lti_context_platform_id_lti_platform'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_context')),
    sa.UniqueConstraint('platform_id', 'context_id', name=op.f('uq_lti_context_platform_id_context_id'))
    )
    with op.batch_alter_table('lti_context', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lti_context_cohort_id'), ['cohort_id'], unique=False)

    op.create_table('lti_link',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('platform_id', sa.Integer(), nullable=False),
    sa.Column('resource_link_id', sa.String(length=255), nullable=False),
    sa.Column('context_id', sa.Integer(), nullable=True),
    sa.Column('module_slug', sa.String(length=80), nullable=True),
    sa.Column('lineitem_url', sa.String(length=500), nullable=True),
    sa.ForeignKeyConstraint(['context_id'], ['lti_context.id'], name=op.f('fk_lti_link_context_id_lti_context'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['platform_id'], ['lti_platform.id'], name=op.f('fk_lti_link_platform_id_lti_platform'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_link')),
    sa.UniqueConstraint('platform_id', 'resource_link_id', name=op.f('uq_lti_link_platform_id_resource_link_id'))
    )
    op.create_table('lti_link_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('link_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['link_id'], ['lti_link.id'], name=op.f('fk_lti_link_user_link_id_lti_link'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_lti_link_user_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_link_user')),
    sa.UniqueConstraint('link_id', 'user_id', name=op.f('uq_lti_link_user_link_id_user_id'))
    )
    with op.batch_alter_table('lti_link_user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lti_link_user_user_id'), ['user_id'], unique=False)

    op.create_table('lti_score',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('link_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('next_try_at', sa.DateTime(), nullable=False),
    sa.Column('tries', sa.Integer(), nullable=False),
    sa.Column('sent_at', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.String(length=300), nullable=True),
    sa.ForeignKeyConstraint(['link_id'], ['lti_link.id'], name=op.f('fk_lti_score_link_id_lti_link'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_lti_score_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lti_score'))
    )
    with op.batch_alter_table('lti_score', schema=None) as batch_op:
        batch_op.create_index('ix_lti_score_due', ['status', 'next_try_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_lti_score_link_id'), ['link_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lti_score_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('lti_score', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lti_score_user_id'))
        batch_op.drop_index(batch_op.f('ix_lti_score_link_id'))
        batch_op.drop_index('ix_lti_score_due')

    op.drop_table('lti_score')
    with op.batch_alter_table('lti_link_user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lti_link_user_user_id'))

    op.drop_table('lti_link_user')
    op.drop_table('lti_link')
    with op.batch_alter_table('lti_context', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lti_context_cohort_id'))

    op.drop_table('lti_context')
    with op.batch_alter_table('lti_identity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lti_identity_user_id'))

    op.drop_table('lti_identity')
    op.drop_table('lti_deployment')
    with op.batch_alter_table('lti_store', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lti_store_expires_at'))

    op.drop_table('lti_store')
    op.drop_table('lti_platform')
    with op.batch_alter_table('lti_nonce', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lti_nonce_expires_at'))

    op.drop_table('lti_nonce')

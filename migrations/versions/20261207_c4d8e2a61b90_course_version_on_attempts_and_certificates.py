"""course version on quiz attempts and certificates

Revision ID: c4d8e2a61b90
Revises: 7a3e9c1b5d20
Create Date: 2026-12-07 02:00:00

The course file (course.yaml) now has a version and a change log for trainees. Attempts and certificates
record the version they were taken or issued under, so a trainee who passed before a material change can
be told what changed, and exports say which version a record belongs to. Rows from before this revision
stay NULL: which version they were taken under was not recorded, and the app treats them as the oldest
release in the log.

"""
from alembic import op
import sqlalchemy as sa


revision = 'c4d8e2a61b90'
down_revision = '7a3e9c1b5d20'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('quiz_attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('course_version', sa.String(length=20), nullable=True))
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.add_column(sa.Column('course_version', sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.drop_column('course_version')
    with op.batch_alter_table('quiz_attempt', schema=None) as batch_op:
        batch_op.drop_column('course_version')

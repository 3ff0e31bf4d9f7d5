"""audit: case events, admin changes and prints chained by hash (issue 16)

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-07 00:30:00

`case_event` and `config_change` get `prev_hash` and `hash` (SHA-256, hex): each case's events
form one chain, config changes one chain over the table (prints are case events: `printed`).
`audit_anchor` holds the scheduler's digests of id ranges of both tables, themselves chained.
See docs/AUDIT.md.

The existing rows are chained here, in the order verify walks them (a case's events by id, the
changes by id). A hash covers the previous one, so the computation is sequential per chain and
its canonical JSON is Python's (orjson, sorted keys): the rows are read in keyset pages and their
hashes written back a page per executemany UPDATE. The hashing is copied from
engine/models/audit_chain.py as it is at this revision (tests/engine/test_audit_chain.py checks
that an upgraded database verifies).
"""
import hashlib

from alembic import op
import orjson
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

# revision identifiers, used by Alembic.
revision = '0036'
down_revision = '0035'
branch_labels = None
depends_on = None

PAGE = 5000
JSON = sa.JSON().with_variant(postgresql.JSONB(), 'postgresql')
EVENTS = sa.table('case_event', sa.column('id', sa.Integer), sa.column('case_id', sa.Integer),
                  sa.column('actor_id', sa.Integer), sa.column('action', sa.String),
                  sa.column('from_stage', sa.String), sa.column('to_stage', sa.String), sa.column('data', JSON),
                  sa.column('created_at', sa.DateTime), sa.column('prev_hash', sa.String),
                  sa.column('hash', sa.String))
CHANGES = sa.table('config_change', sa.column('id', sa.Integer), sa.column('area', sa.String),
                   sa.column('key', sa.String), sa.column('old', JSON), sa.column('new', JSON),
                   sa.column('reason', sa.Text), sa.column('actor_id', sa.Integer),
                   sa.column('created_at', sa.DateTime), sa.column('prev_hash', sa.String),
                   sa.column('hash', sa.String))


def upgrade():
    for table in ('case_event', 'config_change'):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
            batch.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
    op.create_table(
        'audit_anchor',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('chain', sa.String(length=16), nullable=False),
        sa.Column('last_id', sa.Integer(), nullable=False),
        sa.Column('row_count', sa.Integer(), nullable=False),
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('prev_hash', sa.String(length=64), nullable=True),
        sa.Column('hash', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    backfill()


def downgrade():
    op.drop_table('audit_anchor')
    for table in ('config_change', 'case_event'):
        with op.batch_alter_table(table) as batch:
            batch.drop_column('hash')
            batch.drop_column('prev_hash')


def backfill():
    """Chain the rows already there: each case's events, then the config changes."""
    _backfill(EVENTS, (EVENTS.c.case_id, EVENTS.c.id), 'case_id', _event_hash)
    _backfill(CHANGES, (CHANGES.c.id,), None, _change_hash)


def _backfill(table, order, chain_column, hash_of):
    """Chain every row of `table` in `order`; a new chain whenever `chain_column` changes."""
    conn = op.get_bind()
    write = (sa.update(table).where(table.c.id == sa.bindparam('row_id'))
             .values(prev_hash=sa.bindparam('new_prev'), hash=sa.bindparam('new_hash')))
    columns = [c for c in table.c if c.key not in ('prev_hash', 'hash')]
    after, chain, prev = None, object(), None
    while True:
        query = sa.select(*columns).order_by(*order).limit(PAGE)
        if after is not None:
            query = query.where(sa.tuple_(*order) > sa.tuple_(*after) if len(order) > 1 else order[0] > after[0])
        rows = conn.execute(query).all()
        if not rows:
            return
        params = []
        for row in rows:
            if chain_column and getattr(row, chain_column) != chain:
                chain, prev = getattr(row, chain_column), None
            new = hash_of(row._mapping, prev)
            params.append({'row_id': row.id, 'new_prev': prev, 'new_hash': new})
            prev = new
        conn.execute(write, params)
        after = tuple(getattr(rows[-1], c.key) for c in order)


def _canonical(value):
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {key: _canonical(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical(item) for item in value]
    return value


def _digest(payload):
    return hashlib.sha256(orjson.dumps(_canonical(payload), option=orjson.OPT_SORT_KEYS)).hexdigest()


def _when(value):
    return value.isoformat(sep=' ', timespec='microseconds')


def _event_hash(row, prev_hash):
    return _digest({'case_id': row['case_id'], 'action': row['action'], 'actor_id': row['actor_id'],
                    'from_stage': row['from_stage'], 'to_stage': row['to_stage'], 'data': row['data'],
                    'created_at': _when(row['created_at']), 'prev_hash': prev_hash})


def _change_hash(row, prev_hash):
    return _digest({'area': row['area'], 'key': row['key'], 'old': row['old'], 'new': row['new'],
                    'reason': row['reason'], 'actor_id': row['actor_id'], 'created_at': _when(row['created_at']),
                    'prev_hash': prev_hash})

"""Mentions keep their author by a guard on author deletes instead of a foreign key checked on every insert.

A foreign key from mention.author_id is checked for every mention inserted: on PostgreSQL a lookup of the
author row that also locks it (SELECT ... FOR KEY SHARE), which writes to the author's page. That was the
largest single cost of a bulk import on the server: a 200,000-mention import ran at 23,300-25,700 rows/s
with the key and 30,400-31,300 without it, alternating, on one machine (benchmarks/bench_import.py).

What the key guarded is kept:
- a mention is only ever written with an author id that the same transaction resolved or created
  (monitor/store.py, resolve_authors), and nothing in Arcwatch deletes or renumbers authors;
- the one way left to orphan mentions, deleting (or renumbering) an author by hand, is refused by a trigger
  on author, with the integrity error the key gave. It costs nothing on inserts.

SQLite cannot drop a constraint in place: the mention table is copied without it (batch mode).

Revision ID: 0008_mention_author_guard
Revises: 0007_arcdaily_by_day
"""
import sqlalchemy as sa
from alembic import op

revision = "0008_mention_author_guard"
down_revision = "0007_arcdaily_by_day"
branch_labels = None
depends_on = None

# 0001 left the key unnamed on SQLite; this convention names it so that batch mode can drop it
_NAMES = {"fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s"}
_SQLITE_FK = "fk_mention_author_id_author"
TRIGGER = "author_keeps_mentions"
_MESSAGE = "author still has mentions: delete them first"

_PG_FUNCTION = f"""
CREATE FUNCTION arcwatch_{TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM mention WHERE author_id = OLD.id) THEN
        RAISE EXCEPTION '{_MESSAGE} (author %)', OLD.id USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$"""
_PG_TRIGGER = (f"CREATE TRIGGER {TRIGGER} BEFORE DELETE OR UPDATE OF id ON author FOR EACH ROW "
               f"EXECUTE FUNCTION arcwatch_{TRIGGER}()")
# SQLite: one trigger per event (it has no TG_OP); RAISE(ABORT) is a constraint error, as the key's was
_SQLITE_TRIGGERS = [
    f"CREATE TRIGGER {TRIGGER}_{event} BEFORE {clause} ON author "
    f"WHEN EXISTS (SELECT 1 FROM mention WHERE author_id = OLD.id){extra} "
    f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END"
    for event, clause, extra in (("delete", "DELETE", ""), ("renumber", "UPDATE OF id", " AND NEW.id <> OLD.id"))]


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        name = next(fk["name"] for fk in sa.inspect(bind).get_foreign_keys("mention")
                    if fk["referred_table"] == "author")
        op.execute(f'ALTER TABLE mention DROP CONSTRAINT "{name}"')
        op.execute(_PG_FUNCTION)
        op.execute(_PG_TRIGGER)
        return
    with op.batch_alter_table("mention", recreate="always", naming_convention=_NAMES) as batch:
        batch.drop_constraint(_SQLITE_FK, type_="foreignkey")
    for statement in _SQLITE_TRIGGERS:
        op.execute(statement)


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER {TRIGGER} ON author")
        op.execute(f"DROP FUNCTION arcwatch_{TRIGGER}()")
        op.create_foreign_key("mention_author_id_fkey", "mention", "author", ["author_id"], ["id"])
        return
    for event in ("delete", "renumber"):
        op.execute(f"DROP TRIGGER {TRIGGER}_{event}")
    with op.batch_alter_table("mention", recreate="always") as batch:
        batch.create_foreign_key(_SQLITE_FK, "author", ["author_id"], ["id"])

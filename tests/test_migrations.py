"""The schema comes from Alembic migrations, and they match the models, so upgrades keep data."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

import monitor.models  # noqa: F401  (registers every table)
from monitor.db import migrate


def test_migrations_create_exactly_the_models_schema(engine):
    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": False})
        diff = compare_metadata(ctx, SQLModel.metadata)
    assert diff == [], f"models and migrations disagree; add a migration: {diff}"


def test_migrating_again_keeps_data(engine):
    from sqlalchemy import text

    with engine.begin() as conn:
        conn.execute(text("INSERT INTO keyvalue (key, value) VALUES ('probe', :v)"), {"v": '{"kept": true}'})
    migrate(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM keyvalue WHERE key = 'probe'")).scalar_one() == 1
    assert "mention" in inspect(engine).get_table_names()


def test_database_refuses_a_second_unresolved_alert_for_one_subject_and_rule(engine):
    import pytest
    from sqlalchemy.exc import IntegrityError

    from monitor.models import Alert, utcnow

    def add(status):
        now = utcnow()
        with engine.begin() as conn:
            conn.execute(Alert.__table__.insert(), {"rule": "churn-intent", "subject": "c:C1", "status": status,
                                                    "severity": "high", "created_at": now, "updated_at": now})

    add("resolved")
    add("resolved")  # history may hold many resolved ones
    add("open")
    with pytest.raises(IntegrityError):
        add("snoozed")


def test_arcdaily_keyed_day_first_keeps_its_rows_through_downgrade_and_upgrade(engine):
    """0007 rekeys ArcDaily (day, subject), so an evaluation's new rows land together; both ways, every
    row is kept as it was."""
    from datetime import date

    from alembic import command
    from sqlalchemy import insert, select

    from monitor.db import alembic_config
    from monitor.models import ArcDaily

    rows = [{"subject": s, "day": date(2026, 5, d), "total": -0.5 * d, "count": d, "negatives": 1}
            for s in ("a:1", "c:C9") for d in (1, 2, 30)]
    with engine.begin() as conn:
        conn.execute(insert(ArcDaily.__table__), rows)
    d = ArcDaily.__table__
    query = select(d.c.subject, d.c.day, d.c.total, d.c["count"], d.c.negatives).order_by(d.c.subject, d.c.day)
    expected = [tuple(r.values()) for r in sorted(rows, key=lambda r: (r["subject"], r["day"]))]
    command.downgrade(alembic_config(engine), "0006_arcstate_in_place")
    assert inspect(engine).get_pk_constraint("arcdaily")["constrained_columns"] == ["subject", "day"]
    with engine.connect() as conn:
        assert [tuple(r) for r in conn.execute(query)] == expected
    migrate(engine)
    assert inspect(engine).get_pk_constraint("arcdaily")["constrained_columns"] == ["day", "subject"]
    with engine.connect() as conn:
        assert [tuple(r) for r in conn.execute(query)] == expected


def _author_with_mention(engine) -> int:
    from sqlalchemy import insert

    from monitor.models import Author, Mention, utcnow

    now = utcnow()
    with engine.begin() as conn:
        author_id = conn.execute(insert(Author.__table__).values(platform="twitter", handle="Ann", handle_norm="ann")
                                 ).inserted_primary_key[0]
        conn.execute(insert(Mention.__table__).values(
            platform="twitter", external_id="1", author_id=author_id, created_at=now, fetched_at=now, text="hi"))
    return author_id


def _assert_refused(engine, statement) -> None:
    """The statement fails with the guard's integrity error, and changes nothing."""
    import pytest
    from sqlalchemy.exc import IntegrityError

    with pytest.raises(IntegrityError, match="author still has mentions"):
        with engine.begin() as conn:
            conn.execute(statement)


def test_an_author_who_has_mentions_cannot_be_deleted_or_renumbered(engine):
    """0008 replaced the mention -> author foreign key by a guard on author: the mentions keep their author."""
    from sqlalchemy import delete, update

    from monitor.models import Author, Mention

    author_id = _author_with_mention(engine)
    a, m = Author.__table__, Mention.__table__
    _assert_refused(engine, delete(a).where(a.c.id == author_id))
    _assert_refused(engine, update(a).where(a.c.id == author_id).values(id=999))
    with engine.begin() as conn:
        conn.execute(update(a).where(a.c.id == author_id).values(handle="Ann B"))  # other columns change freely
        conn.execute(delete(m))
        assert conn.execute(delete(a).where(a.c.id == author_id)).rowcount == 1  # no mentions left: allowed


def test_mention_author_guard_keeps_rows_through_downgrade_and_upgrade(engine):
    """Downgraded, the foreign key is back and the guard gone; upgraded again, the reverse; rows kept both ways."""
    from alembic import command
    from sqlalchemy import delete, select

    from monitor.db import alembic_config
    from monitor.models import Author, Mention

    author_id = _author_with_mention(engine)
    m = Mention.__table__
    query = select(m.c.external_id, m.c.author_id, m.c.text)

    def shape():
        keys = [(fk["referred_table"], fk["constrained_columns"]) for fk in inspect(engine).get_foreign_keys("mention")]
        with engine.connect() as conn:
            return keys, [tuple(r) for r in conn.execute(query)]

    command.downgrade(alembic_config(engine), "0007_arcdaily_by_day")
    assert shape() == ([("author", ["author_id"])], [("1", author_id, "hi")])
    migrate(engine)
    assert shape() == ([], [("1", author_id, "hi")])
    _assert_refused(engine, delete(Author.__table__).where(Author.__table__.c.id == author_id))  # the guard is back


def test_arc_figures_move_between_the_state_document_and_their_columns_unchanged(engine):
    """0009 moved ArcState's test statistics out of a JSON document into columns; both ways, to the bit."""
    import json
    from datetime import date

    from alembic import command
    from sqlalchemy import select, text

    from monitor.db import alembic_config
    from monitor.models import ArcState

    figures = {"as_of": date(2026, 5, 30), "slope_z": -2.718281828459045, "recent_slope": 1e-17,
               "recent_z": None, "shift": -0.30000000000000004, "drop_t": 123456.789, "active_days": 17}
    names = list(figures)
    with engine.begin() as conn:
        conn.execute(text(f"INSERT INTO arcstate (subject, trend, negative_7d, negative_30d, mentions, {', '.join(names)}) "
                          f"VALUES ('a:1', 'stable', 0, 0, 3, {', '.join(':' + n for n in names)})"), figures)
    command.downgrade(alembic_config(engine), "0008_mention_author_guard")
    with engine.connect() as conn:
        state = conn.execute(text("SELECT state FROM arcstate")).scalar_one()
    state = state if isinstance(state, dict) else json.loads(state)
    assert state == {**figures, "as_of": "2026-05-30"}
    migrate(engine)
    table = ArcState.__table__
    with engine.connect() as conn:
        row = conn.execute(select(*[table.c[n] for n in names]).where(table.c.subject == "a:1")).one()
    assert dict(zip(names, row)) == figures
    assert "state" not in {c["name"] for c in inspect(engine).get_columns("arcstate")}

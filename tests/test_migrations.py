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

"""The digest and report jobs that `arcwatch run` schedules (listed in monitor.scheduler.JOB_MODULES).

- digest: every day at [digest] time in [digest] timezone, yesterday's digest to [digest] recipients. If the
  service starts after today's digest time, it runs once at start-up too: the ledger makes that a no-op
  when the digest already went out, and a catch-up when the service was down at the time.
- report: checked daily at the same time; it writes the default report into [report] dir (and mails
  [report] recipients) when [report] every (in whole days, 7d by default) has passed since the last one.
  The last period written is kept in KeyValue, so restarts neither skip nor repeat a report.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine

from monitor.errors import ConfigError
from monitor.models import KeyValue
from monitor.settings import parse_duration

LAST_REPORT_KEY = "report:last-end"
CATCH_UP_SECONDS = 30.0  # after start-up, so the first pulls go first


def digest_time(config) -> tuple[int, int]:
    """[digest] time as (hour, minute)."""
    try:
        hh, mm = (int(x) for x in str(config.digest.time).split(":"))
        if 0 <= hh < 24 and 0 <= mm < 60:
            return hh, mm
    except ValueError:
        pass
    raise ConfigError(config.path, "digest.time", "a time as HH:MM", config.digest.time)


def report_every_days(config) -> int | None:
    """[report] every in whole days (at least 1), or None when empty (disabled)."""
    every = str(config.report.every).strip()
    if not every:
        return None
    try:
        return max(1, round(parse_duration(every) / 86400))
    except ValueError as exc:
        raise ConfigError(config.path, "report.every", "a duration such as '7d' or '2w'", every) from exc


def scheduled_jobs(config) -> list:
    """The digest job (when there are recipients) and the report job (unless disabled)."""
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.date import DateTrigger

    from monitor.scheduler import ScheduledJob

    tz = config.digest.timezone
    ZoneInfo(tz)  # an unknown zone fails here, at start-up, not at 08:00
    hh, mm = digest_time(config)
    daily = CronTrigger(hour=hh, minute=mm, timezone=tz)
    now = datetime.now(ZoneInfo(tz))
    late = (now.hour, now.minute) >= (hh, mm)
    jobs = []
    soon = DateTrigger(run_date=now + timedelta(seconds=CATCH_UP_SECONDS))
    later = DateTrigger(run_date=now + timedelta(seconds=CATCH_UP_SECONDS + 15))
    if config.digest.recipients:
        jobs.append(ScheduledJob(id="digest", trigger=daily, func=digest_job))
        if late:
            jobs.append(ScheduledJob(id="digest:catch-up", trigger=soon, func=digest_job))
    if report_every_days(config):
        jobs.append(ScheduledJob(id="report", trigger=daily, func=report_job))
        if late:
            jobs.append(ScheduledJob(id="report:catch-up", trigger=later, func=report_job))
    return jobs


def digest_job(engine: Engine, config) -> dict:
    """Send yesterday's digest to [digest] recipients (each at most once)."""
    from monitor import pipeline

    run = pipeline.digest(engine, config)
    return {"day": run.day.isoformat(), **{s: sum(r.status == s for r in run.results)
                                           for s in ("sent", "skipped", "failed")}}


def report_job(engine: Engine, config, now: datetime | None = None) -> dict:
    """Write (and mail) the default report when [report] every days have passed since the last one."""
    from monitor import pipeline
    from reports.trend import default_period

    now = now or datetime.now(timezone.utc)
    _, end = default_period(config.digest.timezone, now)
    last = _last_end(engine)
    every = report_every_days(config)
    if every is None or (last is not None and (end - last).days < every):
        return {"skipped": f"last report ended {last}; next after {every} days"}
    run = pipeline.scheduled_report(engine, config, now=now)
    _set_last_end(engine, run.end)
    return {"written": run.written, "mailed": sum(r.status == "sent" for r in run.results)}


def _last_end(engine: Engine) -> date | None:
    with engine.connect() as conn:
        value = conn.execute(select(KeyValue.__table__.c.value).where(KeyValue.__table__.c.key == LAST_REPORT_KEY)
                             ).scalar_one_or_none()
    try:
        return date.fromisoformat(value["end"]) if isinstance(value, dict) else None
    except (KeyError, TypeError, ValueError):
        return None


def _set_last_end(engine: Engine, end: date) -> None:
    table = KeyValue.__table__
    with engine.begin() as conn:
        insert = (postgresql if conn.dialect.name == "postgresql" else sqlite).insert(table)
        value = {"end": end.isoformat()}
        conn.execute(insert.on_conflict_do_update(index_elements=["key"], set_={"value": value}),
                     {"key": LAST_REPORT_KEY, "value": value})

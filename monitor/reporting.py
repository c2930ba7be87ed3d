"""Running the digest and the trend report: render, write files, and mail them exactly once."""
from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from email.message import EmailMessage
from pathlib import Path

from sqlalchemy.engine import Engine

from monitor.digest import SendResult, check_address, deliver
from monitor.errors import ArcwatchError
from monitor.mailer import new_message
from reports.digest import DigestContext, build_digest, default_day, render_digest
from reports.trend import ReportContext, build_report, default_period, render_report


@dataclass
class DigestRun:
    """What `arcwatch digest` did: the day, the rendered parts, and one result per recipient."""

    day: date
    subject: str
    text: str
    html: str
    results: list[SendResult] = field(default_factory=list)
    written: str | None = None


@dataclass
class ReportRun:
    """What `arcwatch report` did: the period, where the file went, and mail results."""

    start: date
    end: date
    html: str
    written: str | None = None
    results: list[SendResult] = field(default_factory=list)


def write_atomically(path: str | Path, data: str | bytes) -> str:
    """Write a file so that readers see the old or the new content, never half of it."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=str(path.parent))
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(raw)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a report is meant to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return str(path)


def digest_message(config, ctx: DigestContext, text: str, html: str, recipient: str, message_id: str) -> EmailMessage:
    """The digest as a multipart/alternative message to one recipient."""
    msg = new_message(config.smtp.sender, [recipient], ctx.subject, message_id=message_id)
    msg.set_content(text)
    msg.add_alternative(html, subtype="html")
    return msg


def run_digest(engine: Engine, config, *, day: date | None = None, to: list[str] | None = None,
               dry_run: bool = False, out: str | None = None, force: bool = False,
               now: datetime | None = None) -> DigestRun:
    """Build the digest for `day` (default: yesterday in [digest] timezone); write and/or send it."""
    day = day or default_day(config.digest.timezone, now)
    recipients = [check_address(a) for a in (to if to else config.digest.recipients)]
    ctx = build_digest(engine, config, day, now=now)
    text, html = render_digest(ctx, config.templates.dir or None)
    run = DigestRun(day=day, subject=ctx.subject, text=text, html=html)
    if out:
        run.written = write_atomically(out, _digest_file(out, config, ctx, text, html))
    if dry_run or out:
        return run
    if not recipients:
        raise ArcwatchError("no digest recipients: set [digest] recipients or pass --to ADDRESS")
    run.results = deliver(engine, config, kind="digest", day=day, recipients=recipients, force=force,
                          build=lambda rcpt, mid: digest_message(config, ctx, text, html, rcpt, mid))
    return run


def _digest_file(out: str, config, ctx: DigestContext, text: str, html: str) -> str | bytes:
    suffix = Path(out).suffix.lower()
    if suffix == ".txt":
        return text
    if suffix == ".eml":
        rcpt = (config.digest.recipients or ["recipient@example.invalid"])[0]
        return bytes(digest_message(config, ctx, text, html, rcpt, f"<preview.{ctx.day}@arcwatch.invalid>"))
    return html


def report_file_name(start: date, end: date) -> str:
    """The file name a scheduled report is written under."""
    return f"arcwatch-report-{start.isoformat()}-to-{end.isoformat()}.html"


def report_period(config, start: date | None, end: date | None, now: datetime | None = None) -> tuple[date, date]:
    """The period a report covers: as given, else 30 days ending with `end` (default: yesterday)."""
    if start is not None and end is not None:
        return start, end
    default_start, default_end = default_period(config.digest.timezone, now)
    end = end or default_end
    return start or date.fromordinal(end.toordinal() - 29), end


def run_report(engine: Engine, config, *, start: date | None = None, end: date | None = None,
               out: str | None = None, send: bool = False, to: list[str] | None = None,
               force: bool = False, now: datetime | None = None) -> ReportRun:
    """Build the trend report (default: the last 30 days against the 30 before); write and/or mail it."""
    start, end = report_period(config, start, end, now)
    ctx = build_report(engine, config, start, end, now=now)
    html = render_report(ctx, config.templates.dir or None)
    run = ReportRun(start=start, end=end, html=html)
    if out:
        run.written = write_atomically(out, html)
    if send:
        recipients = [check_address(a) for a in (to if to else config.report.recipients)]
        if not recipients:
            raise ArcwatchError("no report recipients: set [report] recipients")
        run.results = deliver(engine, config, kind=f"report:{start.isoformat()}", day=end, recipients=recipients,
                              force=force, build=lambda rcpt, mid: report_message(config, ctx, html, rcpt, mid))
    return run


def report_message(config, ctx: ReportContext, html: str, recipient: str, message_id: str) -> EmailMessage:
    """The report as a short text summary with the HTML file attached."""
    msg = new_message(config.smtp.sender, [recipient], f"Arcwatch trend report {ctx.start} to {ctx.end}",
                      message_id=message_id)
    lines = [f"Arcwatch trend report, {ctx.start} to {ctx.end} (against {ctx.prior_start} to {ctx.prior_end}).", ""]
    lines += [f"{h.label}: {h.value} ({h.change}; before {h.prior})" for h in ctx.headlines]
    lines += ["", "The full report is attached as one HTML file; open it in any browser or print it to PDF."]
    msg.set_content("\n".join(lines))
    msg.add_attachment(html.encode("utf-8"), maintype="text", subtype="html",
                       filename=report_file_name(ctx.start, ctx.end))
    return msg


def scheduled_report(engine: Engine, config, *, now: datetime | None = None) -> ReportRun:
    """What `arcwatch run` does every [report] every: write the default report to [report] dir, mail it if set."""
    now = now or datetime.now(timezone.utc)
    start, end = default_period(config.digest.timezone, now)
    out = Path(config.report.dir) / report_file_name(start, end)
    return run_report(engine, config, start=start, end=end, out=str(out), send=bool(config.report.recipients),
                      now=now)

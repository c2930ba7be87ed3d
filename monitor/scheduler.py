"""`arcwatch run`: the unattended service, on APScheduler 3.x.

Each source is an interval job (jitter, max_instances=1, coalesced) that runs one pull cycle for it; new
mentions trigger the evaluation step (`monitor.pipeline.evaluate`, when it exists). A heartbeat job
records that the service is alive. Every job logs one JSON line and survives any exception. SIGTERM and
SIGINT stop it cleanly: fetches in flight stop between pages, and every committed cursor stays.

Adding jobs (daily digest, weekly report): list a module in JOB_MODULES. It must define
`scheduled_jobs(config) -> Iterable[ScheduledJob]`; each job's func(engine, config) returns a dict of
details for its log line (or None). The service wraps it like every other job.
"""
from __future__ import annotations

import importlib
import json
import logging
import os
import signal
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Iterable

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.engine import Engine

from monitor.pull import Workbench, prebuild, select_specs
from monitor.settings import Config
from monitor.store import write_heartbeat

log = logging.getLogger("arcwatch.run")

# Modules contributing scheduled jobs (the digest and report jobs go here); absent modules are skipped.
JOB_MODULES: tuple[str, ...] = ("monitor.reportjobs",)


@dataclass(frozen=True, kw_only=True)
class ScheduledJob:
    """A job another stage contributes to `arcwatch run`."""

    id: str
    trigger: Any  # an APScheduler trigger, e.g. CronTrigger(hour=8, minute=0, timezone="Europe/Berlin")
    func: Callable[[Engine, Config], dict | None]


def log_line(**fields: Any) -> None:
    """Log one structured (JSON) line."""
    fields = {"ts": datetime.now(timezone.utc).isoformat(timespec="milliseconds"), **fields}
    log.info(json.dumps(fields, default=str, ensure_ascii=False))


def evaluation_step() -> Callable[[Engine, Config], Any]:
    """monitor.pipeline.evaluate: arcs, then rules."""
    from monitor import pipeline

    return pipeline.evaluate


def extra_jobs(config: Config) -> list[ScheduledJob]:
    """The jobs contributed by JOB_MODULES."""
    jobs: list[ScheduledJob] = []
    for name in JOB_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        jobs.extend(module.scheduled_jobs(config))
    return jobs


class Service:
    """The scheduler with its jobs; start() returns at once, run_until_stopped() blocks."""

    def __init__(self, engine: Engine, config: Config, *, stop: threading.Event | None = None,
                 jobs: Iterable[ScheduledJob] | None = None):
        self.engine, self.config = engine, config
        self.stop = stop or threading.Event()
        self.bench = Workbench()
        self.specs = select_specs(config, None)
        self.jobs = list(extra_jobs(config) if jobs is None else jobs)
        self.started_at = datetime.now(timezone.utc)
        self._eval_lock = threading.Lock()
        self._eval_wanted = threading.Event()
        workers = len(self.specs) + len(self.jobs) + 4
        self.scheduler = BackgroundScheduler(
            timezone=timezone.utc, executors={"default": ThreadPoolExecutor(max_workers=workers)},
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None})

    def start(self) -> None:
        """Schedule every job, first runs now, and start the scheduler's threads."""
        for name, error in prebuild(self.config, self.specs, self.bench).items():
            log_line(event="source_config_error", source=name, error=error)  # it still runs, and fails visibly
        now = datetime.now(timezone.utc)
        jitter = self.config.scheduler.jitter_seconds or None
        for spec in self.specs:
            self.scheduler.add_job(self._guarded, IntervalTrigger(seconds=spec.every, jitter=jitter),
                                   args=(f"source:{spec.name}", self._source_job, spec.name),
                                   id=f"source:{spec.name}", next_run_time=now)
        self.scheduler.add_job(self._guarded, IntervalTrigger(seconds=self.config.scheduler.heartbeat_seconds),
                               args=("heartbeat", self._heartbeat_job), id="heartbeat", next_run_time=now)
        for job in self.jobs:
            self.scheduler.add_job(self._guarded, job.trigger, args=(job.id, job.func, self.engine, self.config),
                                   id=job.id)
        log_line(event="started", pid=os.getpid(), sources=[s.name for s in self.specs],
                 jobs=[j.id for j in self.jobs])  # before the first job can log
        self.scheduler.start()

    def run_until_stopped(self) -> None:
        """Start, then block until SIGTERM/SIGINT (or the stop event), then shut down cleanly."""
        previous = {sig: signal.signal(sig, self._on_signal) for sig in (signal.SIGTERM, signal.SIGINT)}
        try:
            self.start()
            while not self.stop.wait(0.5):
                pass
        finally:
            self.shutdown()
            for sig, handler in previous.items():
                signal.signal(sig, handler)

    def _on_signal(self, signum: int, _frame: Any) -> None:
        log_line(event="signal", signal=signal.Signals(signum).name)
        self.stop.set()

    def shutdown(self) -> None:
        """Stop taking new runs, let running jobs finish their current page, record the final heartbeat."""
        self.stop.set()
        if self.scheduler.running:
            self.scheduler.shutdown(wait=True)
        for name, (connector, _dispatch) in list(self.bench.connectors.items()):
            worker = self.bench.workers.get(name)
            if worker is None or not worker.is_alive():  # a hung fetch still holds its connector
                try:
                    connector.close()
                except Exception:  # noqa: BLE001 - closing is best effort on the way out
                    pass
        try:
            write_heartbeat(self.engine, "scheduler", os.getpid(), self._beat_info("stopped"))
        except Exception as exc:  # noqa: BLE001 - shutting down anyway; say why the last beat is missing
            log_line(event="stopped", warning=f"could not record the final heartbeat: {exc}")
        log_line(event="stopped", pid=os.getpid())

    def _guarded(self, job_id: str, func: Callable[..., Any], *args: Any) -> None:
        """Run one job; log one line whatever happens; never let an exception escape."""
        started = time.monotonic()
        try:
            details = func(*args) or {}
            status = details.pop("status", "ok")
            log_line(job=job_id, status=status, seconds=round(time.monotonic() - started, 3), **details)
        except BaseException as exc:  # noqa: BLE001 - the service must outlive any job
            log.debug("job %s failed", job_id, exc_info=exc)
            log_line(job=job_id, status="error", seconds=round(time.monotonic() - started, 3),
                     error=f"{type(exc).__name__}: {exc}")

    def _source_job(self, name: str) -> dict:
        from monitor.pipeline import pull as pipeline_pull

        if self.stop.is_set():
            return {"status": "skipped", "reason": "shutting down"}
        [result] = pipeline_pull(self.engine, self.config, [name], stop=self.stop, bench=self.bench, force=False)
        if result.new or result.updated or result.deleted:
            self._evaluate()
        return {"status": result.status, "source": name, "new": result.new, "updated": result.updated,
                "deleted": result.deleted, "pages": result.pages, "error": result.error}

    def _heartbeat_job(self) -> dict:
        write_heartbeat(self.engine, "scheduler", os.getpid(), self._beat_info("running"))
        if self._eval_wanted.is_set():  # a request that arrived while another evaluation was finishing
            self._evaluate()
        return {}

    def _beat_info(self, state: str) -> dict:
        return {"state": state, "started_at": self.started_at.isoformat(), "sources": len(self.specs)}

    def _evaluate(self) -> None:
        """Run the evaluation step once per burst of new mentions, never two at a time."""
        step = evaluation_step()
        self._eval_wanted.set()
        while self._eval_wanted.is_set() and not self.stop.is_set() and self._eval_lock.acquire(blocking=False):
            try:
                while self._eval_wanted.is_set() and not self.stop.is_set():
                    self._eval_wanted.clear()
                    started = time.monotonic()
                    try:
                        summary = step(self.engine, self.config)
                        log_line(job="evaluate", status="ok", seconds=round(time.monotonic() - started, 3),
                                 **summary.as_json())
                    except Exception as exc:  # noqa: BLE001 - an evaluation bug must not stop fetching
                        log_line(job="evaluate", status="error", error=f"{type(exc).__name__}: {exc}")
            finally:
                self._eval_lock.release()


def run(engine: Engine, config: Config) -> int:
    """Run the service until SIGTERM/SIGINT; return the exit status."""
    Service(engine, config).run_until_stopped()
    return 0

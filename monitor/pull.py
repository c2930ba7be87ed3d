"""One pull cycle: every source fetched in its own thread, within its own time budget, never blocking others.

For each source: load its cursor, fetch pages, score them, and commit each page's mentions together with
its cursor; then record the source's health. A source that keeps failing is backed off; a source that
hangs is abandoned when its budget runs out, and nothing it fetches afterwards is stored.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Callable

from sqlalchemy.engine import Engine

from connectors import connector_class
from monitor.errors import ArcwatchError, ConfigError, TransientError
from monitor.models import utcnow
from monitor.retry import Retrier, Stopped
from monitor.sentiment import build_scorer, spec_from_config
from monitor.settings import Config, parse_duration
from monitor.sourcestore import PageCounts, commit_page, prepare_source, record_run
from monitor.types import HttpPolicy

log = logging.getLogger("arcwatch.pull")

DEFAULT_EVERY = "15m"
DEFAULT_BUDGET = "5m"
MAX_BACKOFF = 6 * 3600.0
MAX_RETRY_WAIT = 120.0  # a longer Retry-After ends the run; the source is backed off until then
GRACE = 2.0  # seconds a worker may take past its budget to finish the transaction it is in


@dataclass(frozen=True, kw_only=True)
class SourceSpec:
    """One configured source as the core sees it; `problem` holds a config error found in it."""

    name: str
    kind: str
    every: float
    budget: float
    enabled: bool
    table: dict
    problem: ConfigError | None = None


@dataclass(frozen=True, kw_only=True)
class SourceResult:
    """What one source did in one cycle."""

    name: str
    kind: str
    status: str  # ok, failed, skipped, stopped
    new: int = 0
    updated: int = 0
    deleted: int = 0
    pages: int = 0
    error: str | None = None
    backoff_until: datetime | None = None


def source_specs(config: Config) -> list[SourceSpec]:
    """The configured sources; names must be unique, other problems stay with their source."""
    specs, seen = [], set()
    for index, table in enumerate(config.sources):
        name = table.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(config.path, f"sources[{index}].name", "a non-empty string", name)
        if name in seen:
            raise ConfigError(config.path, f"sources[{index}].name", "a name no other source uses", name)
        seen.add(name)
        problem, every, budget = None, parse_duration(DEFAULT_EVERY), parse_duration(DEFAULT_BUDGET)
        try:
            every = _duration(config, name, table, "every", DEFAULT_EVERY)
            budget = _duration(config, name, table, "budget", DEFAULT_BUDGET)
            if not isinstance(table.get("enabled", True), bool):
                raise ConfigError(config.path, f"sources.{name}.enabled", "true or false", table["enabled"])
        except ConfigError as exc:
            problem = exc
        specs.append(SourceSpec(name=name, kind=str(table.get("kind", "")), every=every, budget=budget,
                                enabled=table.get("enabled", True) is not False, table=table, problem=problem))
    return specs


def _duration(config: Config, name: str, table: dict, key: str, default: str) -> float:
    try:
        seconds = parse_duration(table.get(key, default))
    except ValueError as exc:
        raise ConfigError(config.path, f"sources.{name}.{key}", str(exc).replace("expected ", "")) from None
    if seconds <= 0:
        raise ConfigError(config.path, f"sources.{name}.{key}", "a positive duration", table.get(key))
    return seconds


def select_specs(config: Config, names: list[str] | None) -> list[SourceSpec]:
    """The named sources (all enabled ones by default); an unknown name is a ConfigError."""
    specs = source_specs(config)
    if not names:
        return [s for s in specs if s.enabled]
    by_name = {s.name: s for s in specs}
    unknown = [n for n in names if n not in by_name]
    if unknown:
        raise ConfigError(config.path, "sources", f"a source named {unknown[0]!r} (configured: "
                          f"{', '.join(sorted(by_name)) or 'none'})")
    return [by_name[n] for n in dict.fromkeys(names)]


def build_connector(spec: SourceSpec, config: Config, http: HttpPolicy) -> Any:
    """A connector for the source; its ConfigError names the config file, the source and the key."""
    if spec.problem:
        raise spec.problem
    try:
        return connector_class(spec.kind, where=f"source {spec.name!r}")(spec.table, http=http)
    except ConfigError as exc:
        raise ConfigError(config.path, f"sources.{spec.name}.{exc.key}", exc.expected, exc.got) from None


def backoff_delay(failures: int, every: float, retry_after: float | None = None) -> float:
    """Seconds to leave a source alone after `failures` failures in a row: none at first, then doubling."""
    delay = 0.0 if failures < 2 else min(MAX_BACKOFF, every * (2 ** (failures - 1) - 1))
    return max(delay, retry_after or 0.0)


class _Dispatch:
    """The retry callable a connector keeps; each run points it at that run's Retrier."""

    def __init__(self) -> None:
        self.retrier: Retrier | None = None

    def __call__(self, fn: Callable[[], Any], what: str) -> Any:
        return self.retrier(fn, what) if self.retrier else fn()


@dataclass
class Workbench:
    """State kept across cycles by a long-running process: connectors to reuse, workers still running."""

    connectors: dict[str, tuple[Any, _Dispatch]] = field(default_factory=dict)
    workers: dict[str, threading.Thread] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


_SCORERS: dict[Any, tuple[Any, threading.Lock]] = {}
_SCORERS_LOCK = threading.Lock()


def prebuild(config: Config, specs: list[SourceSpec], bench: Workbench) -> dict[str, str]:
    """Build each source's connector into the bench now, so bad settings show at start; name -> error."""
    errors = {}
    for spec in specs:
        dispatch = _Dispatch()
        try:
            connector = build_connector(spec, config, HttpPolicy(timeout=config.http.timeout_seconds, retry=dispatch))
        except ArcwatchError as exc:
            errors[spec.name] = str(exc)
            continue
        bench.connectors[spec.name] = (connector, dispatch)
    return errors


class _Scoring:
    """The configured scorer, built once per process and used by one thread at a time.

    Scorers are not promised to be thread-safe; building one loads lexicons, so it is kept."""

    def __init__(self, config: Config):
        self._spec = spec_from_config(config)

    def score_all(self, texts: list[str]) -> list:
        with _SCORERS_LOCK:
            if self._spec not in _SCORERS:
                _SCORERS[self._spec] = (build_scorer(self._spec), threading.Lock())
            scorer, lock = _SCORERS[self._spec]
        with lock:
            return [scorer.score(t) for t in texts]


class SourceRun:
    """One source's fetch, in a daemon thread so that a hung network call can be left behind."""

    def __init__(self, engine: Engine, config: Config, spec: SourceSpec, *, scoring: _Scoring,
                 stop: threading.Event, sleep: Callable[[float], Any] | None, force: bool,
                 bench: Workbench | None):
        self.engine, self.config, self.spec = engine, config, spec
        self.scoring, self.stop, self.sleep, self.force, self.bench = scoring, stop, sleep, force, bench
        self.cancel = threading.Event()
        self.counts = PageCounts()
        self.pages = 0
        self.result: SourceResult | None = None
        self.deadline = 0.0
        self._lock = threading.Lock()  # guards _done only: never held across a database call
        self._done = False  # the run's outcome is decided (finished, or abandoned by the waiting thread)
        self._failures = 0
        self.thread = threading.Thread(target=self._main, name=f"source:{spec.name}", daemon=True)

    def start(self) -> None:
        """Start fetching; the budget counts from now."""
        self.deadline = time.monotonic() + self.spec.budget
        self.thread.start()

    def _main(self) -> None:
        try:
            self._run()
        except Stopped:
            self._finish("stopped", "interrupted by shutdown; the pages stored so far are kept")
        except BaseException as exc:  # noqa: BLE001 - a worker must always report, whatever happened
            if not isinstance(exc, ArcwatchError):
                log.error("source %s: unexpected error", self.spec.name, exc_info=exc)
            self._finish("failed", _describe(exc), exc)

    def _run(self) -> None:
        spec = self.spec
        state = prepare_source(self.engine, spec.name, spec.kind[:32])
        self._failures = state.consecutive_failures
        if not self.force and state.backoff_until and state.backoff_until > utcnow():
            self._finish("skipped", f"backing off until {state.backoff_until:%Y-%m-%d %H:%M:%SZ} after "
                         f"{state.consecutive_failures} failures in a row; name it to try now", record=False)
            return
        connector, dispatch, owned = self._connector()
        http = self.config.http
        dispatch.retrier = Retrier(max_retries=http.max_retries, backoff=http.backoff_seconds,
                                   max_delay=MAX_RETRY_WAIT, label=spec.name, deadline=self.deadline,
                                   stop=self.stop, sleep=self.sleep)
        try:
            for page in connector.fetch(state.cursor):
                if self.stop.is_set():
                    raise Stopped("shutting down")
                if not self._store(page, connector.platform):
                    return
        finally:
            if owned:
                connector.close()
        self._finish("ok", None)

    def _connector(self) -> tuple[Any, _Dispatch, bool]:
        cached = self.bench.connectors.get(self.spec.name) if self.bench else None
        if cached:
            return cached[0], cached[1], False
        dispatch = _Dispatch()
        http = HttpPolicy(timeout=self.config.http.timeout_seconds, retry=dispatch)
        connector = build_connector(self.spec, self.config, http)
        if self.bench is not None:
            self.bench.connectors[self.spec.name] = (connector, dispatch)
        return connector, dispatch, self.bench is None

    def _store(self, page, platform: str) -> bool:
        scores = self.scoring.score_all([m.text for m in page.mentions])
        with self._lock:
            if self._done:  # abandoned: its budget ran out, nothing more is stored
                return False
        # A page being committed as the budget runs out still lands whole, with its cursor: consistent.
        counts = commit_page(self.engine, source=self.spec.name, platform=platform, mentions=page.mentions,
                             scores=scores, deleted_ids=page.deleted_ids, cursor=page.cursor)
        self.pages += 1
        self.counts = PageCounts(new=self.counts.new + counts.new, updated=self.counts.updated + counts.updated,
                                 deleted=self.counts.deleted + counts.deleted)
        return True

    def _finish(self, status: str, error: str | None, exc: BaseException | None = None, *,
                record: bool = True) -> None:
        backoff_until = None
        if status == "failed":
            retry_after = exc.retry_after if isinstance(exc, TransientError) else None
            delay = backoff_delay(self._failures + 1, self.spec.every, retry_after)
            backoff_until = utcnow() + timedelta(seconds=delay) if delay else None
        with self._lock:
            if self._done:
                return
            self._done = True
        if record:
            try:
                record_run(self.engine, self.spec.name, ok=status == "ok", new=self.counts.new, error=error,
                           backoff_until=backoff_until, count_failure=status == "failed")
            except Exception as db_exc:  # noqa: BLE001 - report the source's result even if the DB is down
                log.error("source %s: could not record its health: %s", self.spec.name, db_exc)
        self.result = self._result(status, error, backoff_until)
        log.info("source=%s kind=%s status=%s new=%d updated=%d deleted=%d pages=%d%s", self.spec.name,
                 self.spec.kind, status, self.counts.new, self.counts.updated, self.counts.deleted, self.pages,
                 f" error={error!r}" if error else "")

    def _result(self, status: str, error: str | None, backoff_until: datetime | None) -> SourceResult:
        return SourceResult(name=self.spec.name, kind=self.spec.kind, status=status, new=self.counts.new,
                            updated=self.counts.updated, deleted=self.counts.deleted, pages=self.pages,
                            error=error, backoff_until=backoff_until)

    def abandon(self, reason: str, *, shutdown: bool = False) -> None:
        """Give up waiting: record why; the thread may run on, but stores nothing more."""
        self.cancel.set()
        if shutdown:  # not the source's fault: no failure counted, no backoff
            self._finish("stopped", reason)
        else:
            self._finish("failed", reason, TransientError(reason))


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ArcwatchError):
        return str(exc)
    return f"unexpected {type(exc).__name__}: {exc}"


def _wait(runs: list[SourceRun], stop: threading.Event) -> None:
    stop_deadline = None
    for run in runs:
        while run.thread.is_alive():
            now = time.monotonic()
            if stop.is_set() and stop_deadline is None:
                stop_deadline = now + GRACE
            limit = min(run.deadline + GRACE, stop_deadline or float("inf"))
            if now >= limit:
                break
            run.thread.join(min(limit - now, 0.2))
        if run.thread.is_alive() and stop.is_set():
            run.abandon("interrupted by shutdown while a network call was hanging; the pages stored so far "
                        "are kept", shutdown=True)
        elif run.thread.is_alive():
            run.abandon(f"no result within its time budget of {run.spec.budget:g}s; abandoned the fetch "
                        "(a network call is hanging)")


def pull(engine: Engine, config: Config, names: list[str] | None = None, *, stop: threading.Event | None = None,
         sleep: Callable[[float], Any] | None = None, bench: Workbench | None = None,
         force: bool | None = None) -> list[SourceResult]:
    """Run one cycle of the named sources (all enabled ones by default); return what each did.

    Sources backing off after repeated failures are skipped unless forced; naming them forces them."""
    specs = select_specs(config, names)
    force = bool(names) if force is None else force
    stop = stop or threading.Event()
    scoring = _Scoring(config)
    runs, results = [], {}
    for spec in specs:
        busy = bench.workers.get(spec.name) if bench else None
        if busy is not None and busy.is_alive():
            results[spec.name] = SourceResult(name=spec.name, kind=spec.kind, status="skipped",
                                              error="its previous fetch is still hanging; not started again")
            continue
        run = SourceRun(engine, config, spec, scoring=scoring, stop=stop, sleep=sleep, force=force,
                        bench=bench)
        runs.append(run)
        if bench is not None:
            bench.workers[spec.name] = run.thread
        run.start()
    _wait(runs, stop)
    for run in runs:
        results[run.spec.name] = run.result or run._result("failed", "the fetch ended without a result", None)
    return [results[s.name] for s in specs]



@dataclass(frozen=True, kw_only=True)
class TryOutcome:
    """What one trial fetch of a source found, for `arcwatch sources test`."""

    name: str
    kind: str
    mentions: tuple = ()
    error: BaseException | None = None


def try_source(config: Config, name: str) -> TryOutcome:
    """Fetch a source's first page once, without retries and without storing anything."""
    [spec] = select_specs(config, [name])
    box: dict[str, Any] = {}
    retrier = Retrier(max_retries=0, backoff=0, label=name, deadline=time.monotonic() + spec.budget)

    def attempt() -> None:
        connector = None
        try:
            connector = build_connector(spec, config, HttpPolicy(timeout=config.http.timeout_seconds,
                                                                 retry=retrier))
            box["mentions"] = next(iter(connector.fetch(None)), None)
        except BaseException as exc:  # noqa: BLE001 - reported to the user, whatever it is
            box["error"] = exc
        finally:
            if connector is not None:
                connector.close()

    worker = threading.Thread(target=attempt, name=f"try:{name}", daemon=True)
    worker.start()
    worker.join(spec.budget + GRACE)
    if worker.is_alive():
        box["error"] = TransientError(f"no answer within the source's time budget of {spec.budget:g}s")
    page = box.get("mentions")
    return TryOutcome(name=name, kind=spec.kind, mentions=page.mentions if page else (), error=box.get("error"))

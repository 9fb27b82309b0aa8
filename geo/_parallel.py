"""Article extraction on Dask (``--workers N`` / ``--scheduler tcp://HOST:PORT``), output identical to the serial path.

A task is a small batch of consecutive articles (:func:`extract_task`, up to :data:`BATCH_ARTICLES`),
each extracted on its own exactly as the serial loop does it; one article per task cost more in Dask
overhead than the extraction itself. A job carries the file's bytes, not its path, since a remote
worker may not share our filesystem. Only extraction runs on the workers; merging across articles runs
in the driver afterwards, over the results in input order (:func:`geo.extract.extract_paths`), so the
events are exactly the serial loop's.

Streaming: at most ``window`` tasks (2 per worker thread, at least 4) are in flight; the next file is
read only when a task finishes, so the driver holds at most ``window`` × BATCH_ARTICLES texts. Each worker
process loads the gazetteer once (a module global), on the cluster's first call (:func:`_warm`), not
per task.

Failures: a task that raises, or a worker process that dies under one (segfault, OOM kill), costs that
article only: its batch is resubmitted one article per task, and the article that fails alone gets the
serial path's one-line "extraction failed (...)" warning. The clusters we start give up on a task at
the first worker death (``allowed-failures`` 0: no three crashed workers per bad article) and run one
task at a time per one-thread worker (``worker-saturation`` 1.0), so no innocent task dies with it.
Dask's own logging is silenced: the user sees our lines, never a traceback.

This module imports Dask; nothing on the serial path imports this module.
"""
from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from typing import Any

from geo._errors import InputError
from geo.extract._article import ArticleJob, ArticleResult, failure_warning, run_article

#: in-flight tasks per worker thread (enough to keep workers fed while results travel back)
WINDOW_PER_THREAD = 2
MIN_WINDOW = 4
#: articles per task, at most (and at most BATCH_BYTES of text): one article per task cost Dask ~25 ms
#: of CPU in the driver and as much in the worker plus a scheduler round trip of idle worker time
#: (measured: 1 worker 2.9x slower than serial on 2,000 articles); a few per task amortise that
BATCH_ARTICLES = 16
BATCH_BYTES = 256 << 10
#: seconds to wait for a --scheduler to answer, and for a local cluster's workers to come up
CONNECT_TIMEOUT = 30

_GAZ = None
_LOADS = 0        # gazetteers loaded by this process (a test checks it stays 1 per worker)


def _worker_gaz():
    """The worker process's gazetteer, loaded on first use and kept (once per process, not per task)."""
    global _GAZ, _LOADS
    if _GAZ is None:
        from geo.gazetteer import load_gazetteer
        _GAZ = load_gazetteer()
        _LOADS += 1
    return _GAZ


def versions() -> tuple[str, str]:
    """(extractor version, gazetteer version) of this process: a worker must match the driver."""
    from geo._cache import extractor_version, gazetteer_version
    return extractor_version(), gazetteer_version()


def _warm() -> tuple[str, str]:
    _worker_gaz()
    return versions()


def extract_task(jobs: list[ArticleJob]) -> tuple[list[ArticleResult], tuple[str, str]]:
    """A few articles on a worker, each extracted on its own: their results and the worker's versions."""
    gaz = _worker_gaz()
    return [run_article(job, gaz) for job in jobs], versions()


#: our settings for the clusters we start: give up on a task at the first worker death (we resubmit
#: once ourselves), no daemonic workers (so a worker may itself use processes)
CLUSTER_CONFIG = {"distributed.scheduler.allowed-failures": 0, "distributed.admin.tick.limit": "1h",
                  "distributed.worker.daemon": False,
                  # one task on a one-thread worker at a time: a task that kills its worker takes no
                  # innocent task queued there with it (the rest wait at the scheduler)
                  "distributed.scheduler.worker-saturation": 1.0}
_NOISY = ("distributed", "tornado", "asyncio")


@contextlib.contextmanager
def _quiet():
    """Dask's own log lines (a worker restarted, a task lost) off: the user gets our one-line warnings."""
    names = [n for n in logging.root.manager.loggerDict if n.split(".")[0] in _NOISY] + list(_NOISY)
    saved = {n: logging.getLogger(n).level for n in dict.fromkeys(names)}
    for n in saved:
        logging.getLogger(n).setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        for n, lvl in saved.items():
            logging.getLogger(n).setLevel(lvl)


@contextlib.contextmanager
def local_cluster(workers: int | None):
    """A LocalCluster of *workers* processes with one thread each, closed on exit."""
    import dask
    from distributed import LocalCluster
    if workers is None or workers < 1:
        raise InputError("--workers", f"need at least 1 worker, not {workers}")
    with _quiet(), dask.config.set(CLUSTER_CONFIG):
        cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                               dashboard_address=":0", silence_logs=logging.CRITICAL)
    try:
        yield cluster
    finally:
        with _quiet(), contextlib.suppress(Exception):
            cluster.close()


@contextlib.contextmanager
def _client(workers: int | None, scheduler: str | None):
    from distributed import Client
    with contextlib.ExitStack() as stack:
        stack.enter_context(_quiet())
        if scheduler is not None:
            try:
                client = Client(scheduler, timeout=CONNECT_TIMEOUT)
            except (OSError, TimeoutError, ValueError) as e:
                msg = str(e).splitlines()[0] if str(e) else "no answer"
                raise InputError(scheduler, f"cannot reach the Dask scheduler ({type(e).__name__}: {msg})") from None
        else:
            cluster = stack.enter_context(local_cluster(workers))
            client = Client(cluster, timeout=CONNECT_TIMEOUT)
        try:
            yield client
        finally:
            with contextlib.suppress(Exception):
                client.close()


def _crashed(job: ArticleJob, why: str) -> ArticleResult:
    """The record of an article whose task failed outside the extractor (a dead worker)."""
    return ArticleResult(ok=False, article={
        "file": job.name, "published": "", "published_from": "none", "url": job.row.get("url", ""),
        "n_events": 0, "warnings": [failure_warning(why)], "encoding": job.encoding or ""})


def _batches(jobs: Iterator[tuple[int, ArticleJob]]) -> Iterator[list[tuple[int, ArticleJob]]]:
    """Consecutive jobs grouped up to BATCH_ARTICLES articles or BATCH_BYTES of text."""
    batch: list[tuple[int, ArticleJob]] = []
    size = 0
    for item in jobs:
        batch.append(item)
        size += len(item[1].data)
        if len(batch) >= BATCH_ARTICLES or size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def run_jobs(jobs: Iterator[tuple[int, ArticleJob]], done: Callable[[int, ArticleResult], bool], *,
             workers: int | None = None, scheduler: str | None = None,
             task: Callable[[list[ArticleJob]], Any] | None = None) -> str:
    """Run (index, job) pairs on a cluster, calling ``done(index, result)`` as results arrive (any
    order; the caller orders by index). ``done`` returning False stops submitting (in-flight tasks still
    finish). Returns where they ran ("2 workers", "tcp://host:8786 (4 threads)")."""
    from distributed import as_completed
    from distributed.scheduler import KilledWorker
    task = task or extract_task
    with _client(workers, scheduler) as client:
        here = versions()
        for addr, theirs in _start(client, scheduler).items():
            _same(here, tuple(theirs), addr)
        threads = sum(client.nthreads().values()) or 1
        window = max(MIN_WINDOW, WINDOW_PER_THREAD * threads)
        where = f"{threads} worker{'s' if threads != 1 else ''}" if scheduler is None else \
            f"{scheduler} ({threads} thread{'s' if threads != 1 else ''})"
        pending: dict[str, list[tuple[int, ArticleJob]]] = {}
        ac = as_completed()
        batches = _batches(jobs)
        stop = False
        n = 0

        def submit(batch: list[tuple[int, ArticleJob]]) -> None:
            nonlocal n
            n += 1
            fut = client.submit(task, [job for _, job in batch], pure=False,
                                key=f"frontline-extract-{batch[0][0]}-{n}-{id(ac):x}")
            pending[fut.key] = batch
            ac.add(fut)

        def fill() -> None:
            nonlocal stop
            while not stop and len(pending) < window:
                nxt = next(batches, None)
                if nxt is None:
                    stop = True
                    return
                submit(nxt)

        try:
            fill()
            for finished in ac.batches():
                values = _gather(client, [f for f in finished if f.status == "finished"])
                for fut in finished:
                    batch = pending.pop(fut.key)
                    if fut.key in values:
                        results, theirs = values[fut.key]
                        _same(here, tuple(theirs), "a worker")
                    elif len(batch) > 1:
                        for item in batch:            # which article was it? each again, on its own
                            submit([item])
                        fut.release()
                        continue
                    else:
                        exc = _exception(fut)
                        why = "worker process died" if isinstance(exc, KilledWorker) else \
                            f"{type(exc).__name__}: {exc}" if exc is not None else "task lost"
                        results = [_crashed(batch[0][1], why)]
                    for (i, _job), res in zip(batch, results):
                        if not done(i, res):
                            stop = True
                    fut.release()
                fill()
        except BaseException:
            for key in list(pending):
                with contextlib.suppress(Exception):
                    client.cancel([client.futures[key]] if key in client.futures else [])
            raise
    return where


def _start(client, scheduler: str | None) -> dict[str, Any]:
    """Wait for a worker (a --scheduler may have none yet), load each worker's gazetteer (in parallel) and
    return their versions; a cluster that cannot run frontline-map is one error line."""
    where = scheduler or "--workers"
    try:
        if scheduler is not None:
            client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
        return client.run(_warm)
    except (TimeoutError, OSError) as e:
        raise InputError(where, f"no Dask worker answered within {CONNECT_TIMEOUT} s ({type(e).__name__})") from None
    except Exception as e:  # noqa: BLE001 - e.g. frontline-map not installed on the workers
        raise InputError(where, f"Dask workers cannot run frontline-map ({type(e).__name__}: {e})") from None


def _gather(client, futs: list) -> dict[str, Any]:
    """Results of finished futures by key, in one round trip (one by one if a result was lost since)."""
    if not futs:
        return {}
    try:
        return dict(zip((f.key for f in futs), client.gather(futs)))
    except Exception:  # noqa: BLE001 - a worker holding a result died: those go through _exception
        out = {}
        for f in futs:
            with contextlib.suppress(Exception):
                out[f.key] = f.result(timeout=CONNECT_TIMEOUT)
        return out


def _exception(fut) -> BaseException | None:
    try:
        return fut.exception(timeout=CONNECT_TIMEOUT)
    except Exception as e:  # noqa: BLE001 - the future itself is gone (cancelled, scheduler lost)
        return e


def _same(here: tuple[str, str], theirs: tuple[str, str], who: str) -> None:
    if here != theirs:
        raise InputError(str(who), f"Dask worker runs another frontline-map (extractor {theirs[0]}, gazetteer "
                         f"{theirs[1]}; here {here[0]}, {here[1]}): install the same version and data there, "
                         "or results would differ from a serial run")

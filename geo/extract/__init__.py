"""Article texts → dated, geocoded events (issue #4), by rules over the offline gazetteer.

    extract_paths(paths, published=None, articles_table=None, gazetteer=None) -> Extraction
    extract_text(text, published=..., source=..., file="", gazetteer=None) -> list[dict]

Every event dict has geo.schema.COLUMNS plus "articles" (file names it came from), "trigger" (the
words that made it an event; event_type_original stays "" — it is a foreign table's own label) and
"geocode_match" (exact | translit | fuzzy | approximate: how the gazetteer matched the place). Dates: see
geo.extract.dates; an event the text does not date gets the publication date with precision
"week" (an article reports the past few days); no publication date → event_date "" / "unknown".
"""
from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from geo import _io
from geo._errors import InputError
from geo.extract._article import PUBLISHED_RANGE, UNDATED_PRECISION, ArticleJob, ArticleResult, article_events, run_article  # noqa: F401
from geo.extract.articles import read_table
from geo.schema import event_id

if TYPE_CHECKING:
    from geo._cache import ExtractCache

__all__ = ["Extraction", "extract_paths", "extract_text"]


@dataclass
class Extraction:
    events: list[dict] = field(default_factory=list)
    articles: list[dict] = field(default_factory=list)
    n_extracted: int = 0       # articles extracted in this run (the cache's misses)
    n_cached: int = 0          # articles whose result came from the cache
    cache: str = ""            # the cache folder used ("" = none)
    workers: str = ""          # where misses ran: "" = this process, else e.g. "2 workers"
    warnings: list[str] = field(default_factory=list)   # run-level (a damaged cache entry), not one article's

    @property
    def summary(self) -> str:
        """What the run did, e.g. "re-extracted 1 of 6 articles (5 from cache)"."""
        n = self.n_extracted + self.n_cached
        verb = "re-extracted" if self.cache else "extracted"
        s = f"{verb} {self.n_extracted} of {n} article{'' if n == 1 else 's'}"
        if self.cache:
            s += f" ({self.n_cached} from cache)"
        if self.workers:
            s += f" on {self.workers}"
        return s


def _gaz(gazetteer):
    if gazetteer is not None:
        return gazetteer
    from geo.gazetteer import load_gazetteer
    return load_gazetteer()


def extract_text(text: str, *, published: date | None, source: str, file: str = "", gazetteer=None) -> list[dict]:
    """Events of one article text (already without any `date` first line)."""
    events, _, _ = article_events(text, published, source, file, _gaz(gazetteer))
    return events


def _merge_across(events: list[dict]) -> list[dict]:
    """The same incident (place, date, type) reported by several articles becomes one event."""
    out: list[dict] = []
    index: dict[tuple, dict] = {}
    for e in events:
        k = (e["location_name"], round(e["latitude"], 3), round(e["longitude"], 3), e["event_date"], e["event_type"])
        if not e["event_date"] or k not in index:
            out.append(e)
            if e["event_date"]:
                index[k] = e
            continue
        m = index[k]
        for f in e["articles"]:
            if f not in m["articles"]:
                m["articles"].append(f)
        if e["source"] not in m["source"].split(" | "):
            m["source"] += " | " + e["source"]
        m["evidence"] += " | " + e["evidence"]
        m["confidence"] = max(m["confidence"], e["confidence"])
        if m["status"] == "claimed" and e["status"] == "reported":
            m["status"] = "reported"        # confirmed by a second report
        for col in ("weapon", "actor"):
            m[col] = m[col] or e[col]
    for m in out:
        m["event_id"] = event_id(m)
    return out


def _files(paths: Sequence[str | Path]) -> list[Path]:
    """Article files: regular files only (a FIFO, device or symlink loop is an InputError), each once."""
    out: list[Path] = []
    seen: set = set()
    for p in map(Path, paths):
        if p.is_dir():
            found = sorted(q for q in p.rglob("*.txt") if not q.name.startswith(".") and not q.is_dir())
        elif p.is_file() or p.is_symlink() or p.exists():
            found = [p] if p.suffix.lower() == ".txt" else []  # articles.csv etc. beside them are not articles
        else:
            raise InputError(str(p), "no such file or folder")
        for q in found:
            _io.check_input(q)
            st = q.stat()
            if (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                out.append(q)
    return out


def extract_paths(paths: Sequence[str | Path], *, published: date | None = None,
                  articles_table: str | Path | None = None, gazetteer=None,
                  encoding: str | None = None, cache: ExtractCache | str | Path | None = None,
                  workers: int | None = None, scheduler: str | None = None) -> Extraction:
    """PATHs are files or folders (*.txt, any common encoding; other files such as articles.csv are skipped).
    Publication date: `published` > articles table > first line `date YYYY-MM-DD` > a date in the text.
    Each folder's own articles.csv is used for its texts (after an explicit `articles_table`).

    *cache* (an :class:`geo._cache.ExtractCache` or its folder): articles whose bytes, options, extractor
    and gazetteer are unchanged since they were last extracted are taken from it. *workers* (a local Dask
    cluster of that many processes) or *scheduler* (``tcp://host:port`` of a running one) extract the rest
    in parallel (:mod:`geo._parallel`); the default runs them here, without importing Dask. Every way gives
    the same events, in the same order: articles are merged across in input order, here, afterwards."""
    if workers is not None and scheduler is not None:
        raise ValueError("give workers or scheduler, not both")
    if (workers is not None or scheduler is not None) and gazetteer is not None:
        raise ValueError("a custom gazetteer cannot be sent to Dask workers (they load the default one)")
    files = _files(paths)
    table: dict[str, dict[str, str]] = {}
    if articles_table is not None:
        table = read_table(articles_table, encoding)
    beside: dict[Path, dict[str, dict[str, str]]] = {}   # folder → its articles.csv (names may repeat)
    for d in {f.parent for f in files}:
        if (d / "articles.csv").is_file():
            beside[d] = read_table(d / "articles.csv", encoding)
    store = _open_cache(cache, gazetteer)
    today = date.today()
    out = Extraction(cache=str(store.root) if store else "")
    results: list[ArticleResult | None] = [None] * len(files)
    keys: dict[int, str] = {}

    def misses() -> Iterator[tuple[int, ArticleJob]]:
        """Jobs for the articles the cache lacks, read one at a time (a text is held only while in flight)."""
        for i, f in enumerate(files):
            row = table.get(f.name) or beside.get(f.parent, {}).get(f.name, {})
            try:
                data = _io.read_bytes(f)
            except InputError as e:
                results[i] = ArticleResult(ok=False, error=(e.file, e.message, e.line, e.field))
                return          # reading stops at the first unreadable file, as it always has
            job = ArticleJob(name=f.name, where=str(f), data=data, encoding=encoding, published=published,
                             row=dict(row), today=today)
            if store is not None:
                keys[i] = store.key(data=data, name=f.name, encoding=encoding, published=published, row=job.row)
                hit = store.get(keys[i], today)
                if hit is not None:
                    results[i] = ArticleResult(events=hit["events"], article=hit["article"])
                    out.n_cached += 1
                    continue
            yield i, job

    def done(i: int, r: ArticleResult) -> bool:
        """Keep one result; False stops submitting (an input error: the run will stop there)."""
        results[i] = r
        if r.error is not None:
            return False
        out.n_extracted += 1
        if store is not None and r.ok and i in keys:
            store.put(keys[i], r.events, r.article, r.valid_until)
        return True

    if workers is None and scheduler is None:
        gaz = None
        for i, job in misses():
            gaz = gaz if gaz is not None else _gaz(gazetteer)     # (an all-cached rebuild never loads it)
            if not done(i, run_article(job, gaz)):
                break
    else:
        todo = misses()
        first = next(todo, None)         # a cluster is started only when some article needs extracting
        if first is not None:
            from geo._parallel import run_jobs
            out.workers = run_jobs(itertools.chain([first], todo), done, workers=workers, scheduler=scheduler)
    events: list[dict] = []
    for r in results:        # in input order, so merging sees what the serial loop sees
        if r is None:
            continue
        r.raise_error()      # the first file (in input order) that cannot be read stops the run
        events += r.events
        out.articles.append(r.article)
    if store is not None:
        out.warnings += store.warnings
        if store.n_written:
            store.prune()
    out.events = _merge_across(events)
    return out


def _open_cache(cache, gazetteer) -> ExtractCache | None:
    """The cache to use, or None: none asked for, or a custom gazetteer (its data has no version) given."""
    if cache is None or cache is False:
        return None
    from geo._cache import ExtractCache
    if isinstance(cache, ExtractCache):
        store = cache
    else:
        gv = getattr(gazetteer, "cache_version", None) if gazetteer is not None else None
        if gazetteer is not None and not gv:
            return None
        store = ExtractCache(cache, gazetteer=gv)
    return store

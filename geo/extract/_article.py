"""One article's extraction as a self-contained job: bytes and options in, events and its article record out.

This is the unit the serial loop, a Dask worker (:mod:`geo._parallel`) and the result cache
(:mod:`geo._cache`) share, so all three give the same result for the same article. A job carries the
file's *bytes*, not its path: a remote worker may not see our filesystem. Cross-article merging is
not here: it needs every article and runs in the driver afterwards (:func:`geo.extract._merge_across`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from geo import _io
from geo._errors import InputError
from geo.admin1 import name_of
from geo.extract.articles import first_line_date, judged_dates, plausible_published, script_language, text_date
from geo.extract.dating import publication_text
from geo.extract.incidents import extract_candidates
from geo.extract.records import Candidate
from geo.schema import COLUMNS, event_id

UNDATED_PRECISION = "week"

#: Publication dates outside this range are typing errors ("date 9999-12-31"): ignored with a warning.
PUBLISHED_RANGE = (date(1990, 1, 1), date(2100, 12, 31))


@dataclass(frozen=True)
class ArticleJob:
    """Everything that decides one article's result (and so its cache key)."""
    name: str                      # file name: the events' "articles" and their source when no url
    where: str                     # the path as found (error messages only)
    data: bytes                    # the file's bytes, undecoded
    encoding: str | None = None    # --encoding, else detected
    published: date | None = None  # the --published argument
    row: dict[str, str] = field(default_factory=dict)   # its articles-table row (published, url, outlet)
    today: date | None = None      # the driver's clock (plausibility of a publication date)


@dataclass
class ArticleResult:
    events: list[dict] = field(default_factory=list)
    article: dict = field(default_factory=dict)
    ok: bool = True                     # False: extraction failed (reported as a warning; never cached)
    valid_until: date | None = None     # the result depends on today's date until then (see geo._cache)
    error: tuple | None = None          # an InputError (file, message, line, field) that stops the run

    def raise_error(self) -> None:
        if self.error is not None:
            raise InputError(*self.error)


def record(c: Candidate, published: date | None, source: str, file: str) -> dict:
    if c.date is not None and c.date.kind == "event":
        ev_date, prec = c.date.date.isoformat(), c.date.precision
    elif c.date is not None:          # "the ministry said on Saturday it had destroyed...": dated by the report
        ev_date, prec = c.date.date.isoformat(), c.date.precision
    elif published is not None:
        ev_date, prec = published.isoformat(), UNDATED_PRECISION
    else:
        ev_date, prec = "", "unknown"
    rec = {
        "event_id": "", "event_date": ev_date, "date_precision": prec, "event_type": c.event_type,
        "event_type_original": "", "weapon": c.weapon, "actor": c.actor, "status": c.status,
        "location_name": c.name, "admin1": name_of(c.admin1), "country": c.country,
        "latitude": round(c.lat, 5), "longitude": round(c.lon, 5), "geo_precision": c.precision,
        "source": source, "evidence": " … ".join(c.evidence), "confidence": round(c.confidence, 2),
        "articles": [file] if file else [],
    }
    rec["event_id"] = event_id(rec)
    # event_type_original is a foreign table's own label: an article has none; the words that
    # made it an event go to "trigger", and how the gazetteer matched the place to "geocode_match"
    return {**{c: rec[c] for c in COLUMNS}, "trigger": c.original, "geocode_match": c.match, "why": c.why,
            "articles": rec["articles"]}


def article_events(text: str, published: date | None, source: str, file: str, gaz
                   ) -> tuple[list[dict], list[str], bool]:
    """Events of one article, its warnings, and whether extraction ran to the end. Total: any str gives
    events or none, never an exception (an internal error is reported as the article's warning, with
    its events lost, rather than stopping a run)."""
    early: list[str] = []
    if published is not None and not (PUBLISHED_RANGE[0] <= published <= PUBLISHED_RANGE[1]):
        early.append(f"publication date {published.isoformat()} outside {PUBLISHED_RANGE[0].year}-"
                     f"{PUBLISHED_RANGE[1].year}: ignored, events undated")
        published = None
    try:
        cands, warnings = extract_candidates(text, published, gaz)
    except Exception as exc:  # noqa: BLE001 - a bug must cost one article, not the run
        return [], early + [failure_warning(exc)], False
    warnings = early + warnings
    for c in cands:
        warnings += [w for w in c.warnings if w not in warnings]
    return [record(c, published, source, file) for c in cands], warnings, True


def failure_warning(exc: BaseException | str) -> str:
    """The one line a failed extraction leaves (the same on every path: serial, worker, crashed worker)."""
    what = exc if isinstance(exc, str) else f"{type(exc).__name__}: {exc}"
    return f"extraction failed ({what}); no events from this text"


def _decode(job: ArticleJob) -> tuple[str, str]:
    text, enc = _io.decode(job.data, job.where, job.encoding)
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n"), enc


def run_article(job: ArticleJob, gaz) -> ArticleResult:
    """The article's events (before merging with other articles) and its record in Extraction.articles."""
    try:
        raw, enc = _decode(job)
    except InputError as e:       # undecodable: stops the run, as a table that cannot be read does
        return ArticleResult(ok=False, error=(e.file, e.message, e.line, e.field))
    today = job.today or date.today()
    try:
        with judged_dates() as judged:
            return _run(job, raw, enc, today, judged, gaz)
    except Exception as exc:  # noqa: BLE001 - a bug outside the extractor proper also costs one article
        return ArticleResult(ok=False, article=_article(job, None, "none", "", 0, [failure_warning(exc)], enc))


def _article(job: ArticleJob, pub: date | None, how: str, url: str, n: int, warnings: list[str], enc: str) -> dict:
    return {"file": job.name, "published": pub.isoformat() if pub else "", "published_from": how,
            "url": url, "n_events": n, "warnings": warnings, "encoding": enc}


def _run(job: ArticleJob, raw: str, enc: str, today: date, judged: list[date], gaz) -> ArticleResult:
    fl_date, text = first_line_date(raw)
    row = job.row
    warnings: list[str] = []
    candidates = [(job.published, "argument"),
                  (date.fromisoformat(row["published"]) if row.get("published") else None, "table"),
                  (fl_date, "first-line")]
    pub, how = None, "none"
    for d, src in candidates:
        d, warn = plausible_published(d, today)
        if warn:
            warnings.append(f"{warn} ({src})")
        if d is not None:
            pub, how = d, src
            break
    if pub is None:
        td = text_date(publication_text(text), today)      # (never a photo caption's date)
        if td is not None:
            pub, how = td, "text"
    if pub is None:
        warnings.append("no publication date (argument, articles table, first line or text): events undated")
    url = row.get("url", "")
    lang = script_language(text)
    ok = True
    if lang:
        evs: list[dict] = []
        warnings.append(f"text is {lang}: the extractor reads English only for now; no events extracted")
    else:
        evs, w, ok = article_events(text, pub, url or job.name, job.name, gaz)
        warnings += w
    # An undated article's relative dates resolve against the machine's clock, and a publication date
    # after today is warned about (naming today): such a result holds for today only.
    fresh = pub is None or any(d > today for d in judged)
    return ArticleResult(events=evs, article=_article(job, pub, how, url, len(evs), warnings, enc), ok=ok,
                         valid_until=today + timedelta(days=1) if fresh else None)

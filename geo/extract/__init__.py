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

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Sequence

from geo import _io
from geo._errors import InputError
from geo.admin1 import name_of
from geo.schema import COLUMNS, event_id
from geo.extract.articles import (first_line_date, plausible_published, read_table, read_text_enc,
                                  script_language, text_date)
from geo.extract.dating import publication_text
from geo.extract.incidents import extract_candidates
from geo.extract.records import Candidate

__all__ = ["Extraction", "extract_paths", "extract_text"]

UNDATED_PRECISION = "week"


@dataclass
class Extraction:
    events: list[dict] = field(default_factory=list)
    articles: list[dict] = field(default_factory=list)


def _gaz(gazetteer):
    if gazetteer is not None:
        return gazetteer
    from geo.gazetteer import load_gazetteer
    return load_gazetteer()


def _record(c: Candidate, published: date | None, source: str, file: str) -> dict:
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


#: Publication dates outside this range are typing errors ("date 9999-12-31"): ignored with a warning.
PUBLISHED_RANGE = (date(1990, 1, 1), date(2100, 12, 31))


def _article_events(text: str, published: date | None, source: str, file: str, gaz) -> tuple[list[dict], list[str]]:
    """Events of one article. Total: any str gives events or none, never an exception (an internal
    error is reported as the article's warning, with its events lost, rather than stopping a run)."""
    early: list[str] = []
    if published is not None and not (PUBLISHED_RANGE[0] <= published <= PUBLISHED_RANGE[1]):
        early.append(f"publication date {published.isoformat()} outside {PUBLISHED_RANGE[0].year}-"
                     f"{PUBLISHED_RANGE[1].year}: ignored, events undated")
        published = None
    try:
        cands, warnings = extract_candidates(text, published, gaz)
    except Exception as exc:  # noqa: BLE001 - a bug must cost one article, not the run
        return [], early + [f"extraction failed ({type(exc).__name__}: {exc}); no events from this text"]
    warnings = early + warnings
    for c in cands:
        warnings += [w for w in c.warnings if w not in warnings]
    return [_record(c, published, source, file) for c in cands], warnings


def extract_text(text: str, *, published: date | None, source: str, file: str = "", gazetteer=None) -> list[dict]:
    """Events of one article text (already without any `date` first line)."""
    events, _ = _article_events(text, published, source, file, _gaz(gazetteer))
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
                  encoding: str | None = None) -> Extraction:
    """PATHs are files or folders (*.txt, any common encoding; other files such as articles.csv are skipped).
    Publication date: `published` > articles table > first line `date YYYY-MM-DD` > a date in the text.
    Each folder's own articles.csv is used for its texts (after an explicit `articles_table`)."""
    gaz = _gaz(gazetteer)
    files = _files(paths)
    table: dict[str, dict[str, str]] = {}
    if articles_table is not None:
        table = read_table(articles_table, encoding)
    beside: dict[Path, dict[str, dict[str, str]]] = {}   # folder → its articles.csv (names may repeat)
    for d in {f.parent for f in files}:
        if (d / "articles.csv").is_file():
            beside[d] = read_table(d / "articles.csv", encoding)
    events: list[dict] = []
    articles: list[dict] = []
    for f in files:
        raw, enc = read_text_enc(f, encoding)
        fl_date, text = first_line_date(raw)
        row = table.get(f.name) or beside.get(f.parent, {}).get(f.name, {})
        warnings: list[str] = []
        candidates = [(published, "argument"),
                      (date.fromisoformat(row["published"]) if row.get("published") else None, "table"),
                      (fl_date, "first-line")]
        pub, how = None, "none"
        for d, src in candidates:
            d, warn = plausible_published(d)
            if warn:
                warnings.append(f"{warn} ({src})")
            if d is not None:
                pub, how = d, src
                break
        if pub is None:
            td = text_date(publication_text(text))      # (never a photo caption's date)
            if td is not None:
                pub, how = td, "text"
        if pub is None:
            warnings.append("no publication date (argument, articles table, first line or text): events undated")
        url = row.get("url", "")
        lang = script_language(text)
        if lang:
            evs = []
            warnings.append(f"text is {lang}: the extractor reads English only for now; no events extracted")
        else:
            evs, w = _article_events(text, pub, url or f.name, f.name, gaz)
            warnings += w
        events += evs
        articles.append({"file": f.name, "published": pub.isoformat() if pub else "", "published_from": how,
                         "url": url, "n_events": len(evs), "warnings": warnings, "encoding": enc})
    return Extraction(events=_merge_across(events), articles=articles)

"""Command line: ``frontline-map build`` and ``frontline-map extract`` (also ``python -m geo``)."""
from __future__ import annotations

import argparse
import csv
import io
import logging
import sys
import time
from datetime import date
from pathlib import Path

from geo import __version__
from geo._errors import InputError


def _date(s: str) -> date:
    try:
        return date.fromisoformat(s)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {s!r}") from None


def _date_range(s: str) -> tuple[date, date]:
    from geo.dates import parse_range
    try:
        return parse_range(s)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _formats(s: str) -> tuple[str, ...]:
    from geo.write import parse_formats
    try:
        return parse_formats(s)
    except ValueError as e:
        raise argparse.ArgumentTypeError(str(e)) from None


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="frontline-map", description=(
        "Turn war-news articles and event tables into offline, interactive per-date HTML maps."))
    p.add_argument("--version", action="version", version=f"frontline-map {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    b = sub.add_parser("build", help="map event tables and/or articles", description=(
        "Read event tables (CSV, GeoJSON, GeoPackage, GeoParquet) and/or articles (.txt files or folders), "
        "geocode offline, join admin-1 regions and write OUTDIR/index.html, events.geojson (or --format), rejects.csv."))
    b.add_argument("inputs", nargs="+", metavar="INPUT", help="event table, article file, or folder of articles")
    b.add_argument("-o", "--outdir", required=True, type=Path, help="output folder (created if missing)")
    b.add_argument("--title", default=None, help="map title (default: from the input names)")
    _common(b)
    b.add_argument("--frontline", type=Path, metavar="DIR",
                   help="folder of dated occupied-area polygons (*_YYYYMMDD.geojson)")
    b.add_argument("--frontline-max-age", type=int, default=None, metavar="DAYS",
                   help="a front-line snapshot covers dates up to DAYS after it (default 31)")
    b.add_argument("--tiles", metavar="URL", help="online tile URL template for users with internet "
                   "(default: offline borders only)")
    b.add_argument("--format", dest="formats", type=_formats, default=("geojson",), metavar="LIST",
                   help="event files to write, comma-separated: geojson (default), gpkg (GeoPackage), "
                   "parquet (GeoParquet), csv; e.g. --format geojson,gpkg,parquet,csv")
    _scale(b)

    e = sub.add_parser("extract", help="extract events from articles into a table", description=(
        "Read article files (plain UTF-8 text; PATH may be a folder) and write one row per event in the "
        "project's event schema (the columns `build` reads)."))
    e.add_argument("inputs", nargs="+", metavar="PATH", help="article file or folder of articles")
    e.add_argument("-o", "--output", required=True, type=Path, help="events CSV to write")
    e.add_argument("--published", type=_date, metavar="YYYY-MM-DD", help="publication date of the articles")
    e.add_argument("--articles-table", type=Path, metavar="FILE",
                   help="CSV file,published[,url,outlet] giving each article's date and source")
    e.add_argument("--corrections", type=Path, metavar="FILE", help="corrections CSV keyed by event_id")
    _encoding(e)
    _scale(e)
    return p


def _workers(s: str) -> int:
    try:
        n = int(s)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"want a number of worker processes >= 1, not {s!r}")
    return n


def _scale(b: argparse.ArgumentParser) -> None:
    """--workers/--scheduler (articles extracted on Dask) and --cache/--no-cache (incremental rebuilds)."""
    where = b.add_mutually_exclusive_group()
    where.add_argument("--workers", type=_workers, metavar="N",
                       help="extract articles on a local Dask cluster of N worker processes (default: in this "
                       "process)")
    where.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                       help="extract articles on a running Dask cluster (its workers need the same frontline-map)")
    cache = b.add_mutually_exclusive_group()
    cache.add_argument("--cache", type=Path, metavar="DIR", help="per-article extraction cache (default: "
                       "$XDG_CACHE_HOME/frontline-map/extract, i.e. ~/.cache/frontline-map/extract)")
    cache.add_argument("--no-cache", action="store_true", help="extract every article afresh; read and write no cache")


def _extract_options(args) -> dict:
    """extract_paths' options from --workers/--scheduler/--cache/--no-cache."""
    from geo._cache import default_dir
    return {"workers": args.workers, "scheduler": args.scheduler,
            "cache": None if args.no_cache else (args.cache or default_dir())}


def _encoding(b: argparse.ArgumentParser) -> None:
    b.add_argument("--encoding", metavar="NAME", help="text encoding of the input files (e.g. cp1251, koi8-r, "
                   "utf-16); default: detected (UTF-8, UTF-16, Cyrillic code pages) and printed")


def _common(b: argparse.ArgumentParser) -> None:
    order = b.add_mutually_exclusive_group()
    order.add_argument("--dayfirst", dest="dayfirst", action="store_const", const=True,
                       help="numeric dates are day/month/year")
    order.add_argument("--monthfirst", dest="dayfirst", action="store_const", const=False,
                       help="numeric dates are month/day/year")
    b.add_argument("--geocoder", choices=("offline", "nominatim"), default="offline",
                   help="offline gazetteer (default) or Nominatim (needs internet; 1 request/s, cached)")
    b.add_argument("--published", type=_date, metavar="YYYY-MM-DD", help="publication date of article inputs")
    b.add_argument("--articles-table", type=Path, metavar="FILE",
                   help="CSV file,published[,url,outlet] for article inputs")
    b.add_argument("--corrections", type=Path, metavar="FILE",
                   help="corrections CSV keyed by event_id (drop/move/retype/set), applied on every run")
    _encoding(b)
    b.add_argument("--date-range", type=_date_range, metavar="START..END",
                   help="events dated outside it are rejects (default: 2014-01-01..tomorrow)")


def _progress(quiet: bool):
    """A tqdm bar on a terminal; nothing when piped."""
    def make(desc: str, total: int):
        from tqdm import tqdm
        return tqdm(total=total, desc=desc, unit="row", disable=quiet or not sys.stderr.isatty(), leave=False)
    return make


class _ToStderr(logging.Handler):
    """Library warnings (logger "geo") reach the user as one "warning: ..." line each."""

    def emit(self, record: logging.LogRecord) -> None:
        print(f"{record.levelname.lower()}: {record.getMessage()}", file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command is None:
        _parser().print_help()
        return 2
    log = logging.getLogger("geo")
    handler = _ToStderr(logging.WARNING)
    log.addHandler(handler)
    try:
        if args.command == "build":
            return _build(args)
        return _extract(args)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except OSError as e:   # a disk that fills up mid-write, a file that vanished: one line, not a traceback
        where = f"{e.filename}: " if e.filename else ""
        print(f"error: {where}{e.strerror or e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; no partial output was written", file=sys.stderr)
        return 130
    except (MemoryError, RecursionError) as e:
        print(f"error: input too large or too deeply nested ({type(e).__name__}); no output was written",
              file=sys.stderr)
        return 1
    finally:
        log.removeHandler(handler)


def _build(args) -> int:
    from geo.pipeline import build
    t0 = time.perf_counter()
    from geo.render import derive_title
    title = args.title or derive_title(args.inputs)
    kw = {"encoding": args.encoding}
    if args.date_range:
        kw["date_range"] = args.date_range
    res = build(args.inputs, args.outdir, title=title, tiles=args.tiles, frontline=args.frontline,
                frontline_max_age=args.frontline_max_age, formats=args.formats,
                dayfirst=args.dayfirst, geocoder=args.geocoder, published=args.published,
                articles_table=args.articles_table, corrections=args.corrections, progress=_progress(False),
                extract=_extract_options(args), **kw)
    for n in res.notes:
        print(f"note: {n}", file=sys.stderr)
    for w in res.warnings:
        print(f"warning: {w}", file=sys.stderr)
    src = _plural(res.n_rows_in, "table row") + (
        f" + {_plural(res.n_extracted, 'event')} from {_plural(res.n_articles, 'article')}" if res.n_articles else "")
    dropped = f"; dropped by corrections: {res.n_dropped}" if res.n_dropped or res.correction_rejects else ""
    print(f"rows in: {res.n_in} ({src}); events: {len(res.events)}; rejects: {len(res.rejects)}{dropped}")
    if res.correction_rejects:
        print(f"corrections: {_plural(len(res.correction_rejects), 'bad line')} (in rejects.csv)")
    print(f"map:     {res.outputs['map']}")
    for f in args.formats:
        print(f"events:  {res.outputs['events.' + f]}")
    print(f"rejects: {res.outputs['rejects']}")
    print(f"done in {time.perf_counter() - t0:.1f} s")
    return 0


def _extract(args) -> int:
    from geo import _io
    from geo.events import EventTable
    from geo.pipeline import article_events, split_inputs
    if args.output.is_dir():
        raise InputError(str(args.output), "cannot write: is a folder (-o names the events CSV to write)")
    warnings: list[str] = []
    _tables, articles, _found = split_inputs(args.inputs, warnings)
    if _tables:
        raise InputError(str(_tables[0]), "extract reads articles (.txt), not tables; use build for tables")
    fixes = None
    if args.corrections:
        from geo.corrections import read_corrections
        fixes = read_corrections(args.corrections, encoding=args.encoding)
    from geo.extract import extract_paths
    ex = extract_paths(articles, published=args.published, articles_table=args.articles_table,
                       encoding=args.encoding, **_extract_options(args))
    events = article_events(ex.events)
    warnings += ex.warnings
    print(f"note: {ex.summary}", file=sys.stderr)
    for w in warnings:
        print(f"warning: {w}", file=sys.stderr)
    if fixes is not None:
        from geo.corrections import apply_corrections
        applied = apply_corrections(events, fixes)
        events = applied.events
        for r in fixes.rejects + applied.rejects:
            print(f"warning: {r.file}:{r.line}: field '{r.field}': {r.reason}", file=sys.stderr)
        if applied.n_dropped:
            print(f"dropped by corrections: {applied.n_dropped}", file=sys.stderr)
    for a in ex.articles:
        if a.get("encoding", "utf-8") not in ("utf-8", "utf-8-sig"):
            print(f"note: {a.get('file', '')}: read as {a['encoding']} (use --encoding to override)", file=sys.stderr)
        for w in a.get("warnings", []):
            print(f"warning: {a.get('file', '')}: {w}", file=sys.stderr)
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=EventTable.from_records(events).columns(), lineterminator="\n",
                            extrasaction="ignore")
    writer.writeheader()
    for ev in events:   # text cells a spreadsheet would run as formulas get a leading ' (README)
        writer.writerow({k: ("" if v is None else _io.csv_safe(v)) for k, v in ev.items()})
    _io.write_text(args.output, buf.getvalue())
    print(f"{_plural(len(articles), 'article')} -> {_plural(len(events), 'event')}: {args.output}")
    return 0

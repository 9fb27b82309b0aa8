"""Command line: ``frontline-map build`` and ``frontline-map extract`` (also ``python -m geo``)."""
from __future__ import annotations

import argparse
import csv
import io
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


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="frontline-map", description=(
        "Turn war-news articles and event tables into offline, interactive per-date HTML maps."))
    p.add_argument("--version", action="version", version=f"frontline-map {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    b = sub.add_parser("build", help="map event tables and/or articles", description=(
        "Read event tables (CSV, GeoJSON, GeoPackage, GeoParquet) and/or articles (.txt files or folders), "
        "geocode offline, join admin-1 regions and write OUTDIR/index.html, events.geojson, rejects.csv."))
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

    e = sub.add_parser("extract", help="extract events from articles into a table", description=(
        "Read article files (plain UTF-8 text; PATH may be a folder) and write one row per event in the "
        "project's event schema (the columns `build` reads)."))
    e.add_argument("inputs", nargs="+", metavar="PATH", help="article file or folder of articles")
    e.add_argument("-o", "--output", required=True, type=Path, help="events CSV to write")
    e.add_argument("--published", type=_date, metavar="YYYY-MM-DD", help="publication date of the articles")
    e.add_argument("--articles-table", type=Path, metavar="FILE",
                   help="CSV file,published[,url,outlet] giving each article's date and source")
    e.add_argument("--corrections", type=Path, metavar="FILE", help="corrections CSV keyed by event_id")
    return p


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


def _progress(quiet: bool):
    """A tqdm bar on a terminal; nothing when piped."""
    def make(desc: str, total: int):
        from tqdm import tqdm
        return tqdm(total=total, desc=desc, unit="row", disable=quiet or not sys.stderr.isatty(), leave=False)
    return make


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command is None:
        _parser().print_help()
        return 2
    try:
        if args.command == "build":
            return _build(args)
        return _extract(args)
    except InputError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("interrupted; no partial output was written", file=sys.stderr)
        return 130


def _build(args) -> int:
    from geo.pipeline import build
    t0 = time.perf_counter()
    from geo.render import derive_title
    title = args.title or derive_title(args.inputs)
    res = build(args.inputs, args.outdir, title=title, tiles=args.tiles, frontline=args.frontline,
                frontline_max_age=args.frontline_max_age,
                dayfirst=args.dayfirst, geocoder=args.geocoder, published=args.published,
                articles_table=args.articles_table, corrections=args.corrections, progress=_progress(False))
    for w in res.warnings:
        print(f"warning: {w}", file=sys.stderr)
    src = f"{res.n_rows_in} table rows" + (f" + {res.n_extracted} events from {res.n_articles} articles"
                                           if res.n_articles else "")
    print(f"rows in: {res.n_in} ({src}); events: {len(res.events)}; rejects: {len(res.rejects)}")
    print(f"map:     {res.outputs['map']}")
    print(f"events:  {res.outputs['events']}")
    print(f"rejects: {res.outputs['rejects']}")
    print(f"done in {time.perf_counter() - t0:.1f} s")
    return 0


def _extract(args) -> int:
    from geo import _io
    from geo.pipeline import _columns, article_events, split_inputs
    _tables, articles, found = split_inputs(args.inputs)
    if _tables:
        raise InputError(str(_tables[0]), "extract reads articles (.txt), not tables; use build for tables")
    from geo.extract import extract_paths
    ex = extract_paths(articles, published=args.published, articles_table=args.articles_table or found)
    events = article_events(ex.events)
    if args.corrections:
        from geo.corrections import apply_corrections, read_corrections
        events, warns = apply_corrections(events, read_corrections(args.corrections))
        for w in warns:
            print(f"warning: {w}", file=sys.stderr)
    for a in ex.articles:
        for w in a.get("warnings", []):
            print(f"warning: {a.get('file', '')}: {w}", file=sys.stderr)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=_columns(events), lineterminator="\n", extrasaction="ignore")
    w.writeheader()
    for ev in events:
        w.writerow({k: ("" if v is None else v) for k, v in ev.items()})
    _io.write_text(args.output, buf.getvalue())
    print(f"{len(articles)} articles -> {len(events)} events: {args.output}")
    return 0

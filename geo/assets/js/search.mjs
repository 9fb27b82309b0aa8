/* Search places and evidence text; a hit shows its event (date and filters set so it is shown).
 * Place names are dictionary-coded (a few thousand distinct names for a million events): the query
 * is matched against the names once, then the events are found by their codes. Evidence of a map
 * folder lives in chunk files: they are loaded and searched one after another, the list growing
 * with a progress line, and a new query cancels the old one. */
import { el } from './dom.mjs';
import { str } from './util.mjs';

const MAX_HITS = 50;

function install(ctx) {
  const ui = ctx.ui, S = ctx.S, map = ctx.map, n = ctx.n;
  ui.search = el('input', 'fl-search');
  ui.search.type = 'search';
  ui.search.placeholder = 'Search place or evidence…';
  ui.search.setAttribute('aria-label', 'Search place or evidence');
  ui.results = el('ul', 'fl-results');
  let tmr = null, run = 0, lowPlace = null;
  const lowEv = [];             // lower-cased evidence per chunk (or [0] = the whole column)
  ui.search.addEventListener('input', () => { clearTimeout(tmr); tmr = setTimeout(search, 120); });
  ctx.ui.body.insertBefore(ui.results, ctx.ui.body.firstChild);
  ctx.ui.body.insertBefore(ui.search, ui.results);

  /** Events whose place name contains *q*: by dictionary code when the column has one. */
  function placeHits(q) {
    const col = ctx.cols.location_name, out = [];
    if (!col) return out;
    if (col.codes) {
      if (!lowPlace) lowPlace = col.dict.map(s => str(s).toLowerCase());
      const on = new Uint8Array(lowPlace.length);
      let any = false;
      lowPlace.forEach((s, k) => { if (s.indexOf(q) >= 0) { on[k] = 1; any = true; } });
      if (!any) return out;
      const c = col.codes;
      for (let i = 0; i < n; i++) if (on[c[i]]) out.push(i);
      return out;
    }
    if (!lowPlace) { lowPlace = new Array(n); for (let i = 0; i < n; i++) lowPlace[i] = str(col.get(i)).toLowerCase(); }
    for (let i = 0; i < n; i++) if (lowPlace[i].indexOf(q) >= 0) out.push(i);
    return out;
  }
  /** Events of [lo, hi) whose evidence contains *q* (the chunk's text must be loaded). */
  function evidenceHits(q, key, lo, hi, out) {
    let low = lowEv[key];
    if (!low) {
      low = lowEv[key] = new Array(hi - lo);
      for (let i = lo; i < hi; i++) low[i - lo] = str(ctx.val('evidence', i)).toLowerCase();
    }
    for (let k = 0; k < low.length; k++) if (low[k] && low[k].indexOf(q) >= 0) out.push(lo + k);
  }

  function hitItem(i) {
    const li = el('li', 'fl-hit');
    li.appendChild(el('b', null, str(ctx.val('location_name', i)) || '(unnamed)'));
    li.appendChild(document.createTextNode(' ' + (str(ctx.val('event_date', i)) || 'undated') + ' · ' + ctx.typeOf[i]));
    const evs = str(ctx.val('evidence', i));
    if (evs) li.appendChild(el('div', 'fl-hit-ev', evs.length > 90 ? evs.slice(0, 90) + '…' : evs));
    li.addEventListener('click', () => goTo(i));
    return li;
  }
  /** The result list: the first MAX_HITS of *hits*, then the count (and progress while searching). */
  function show(hits, total, progress) {
    while (ui.results.firstChild) ui.results.removeChild(ui.results.firstChild);
    hits.slice(0, MAX_HITS).forEach(i => ui.results.appendChild(hitItem(i)));
    ui.results.appendChild(el('li', 'fl-hit-count', total + ' match' + (total === 1 ? '' : 'es') +
      (progress ? ' so far · searching evidence ' + progress : '')));
  }

  /** Run the search box's query; resolves with the number of matches when every chunk is searched. */
  function search() {
    const q = ui.search.value.trim().toLowerCase(), me = ++run;
    while (ui.results.firstChild) ui.results.removeChild(ui.results.firstChild);
    if (q.length < 2) return Promise.resolve(0);
    const seen = new Uint8Array(n), hits = [];
    const add = list => { for (const i of list) if (!seen[i]) { seen[i] = 1; hits.push(i); } };
    add(placeHits(q));
    const has = ctx.has('evidence'), ch = ctx.chunks;
    if (!has || !ctx.chunks.count()) {
      if (has) { const ev = []; evidenceHits(q, 0, 0, n, ev); add(ev); }
      show(hits, hits.length, null);
      return Promise.resolve(hits.length);
    }
    const K = ch.count(), size = ctx.chunkInfo.size;
    show(hits, hits.length, '0/' + K);
    let k = 0;
    const step = () => {
      if (me !== run) return Promise.resolve(null);        // a newer query took over
      if (k >= K) { show(hits, hits.length, null); return Promise.resolve(hits.length); }
      const key = k++;
      return ch.load(key).then(() => {
        if (me !== run) return null;
        const ev = [];
        evidenceHits(q, key, key * size, Math.min(n, (key + 1) * size), ev);
        add(ev);
        show(hits, hits.length, k < K ? k + '/' + K : null);
        return step();
      });
    };
    return step();
  }
  function goTo(i) {
    if (!ctx.shownSet[i]) {
      S.types[ctx.typeOf[i]] = true; S.actors[ctx.actorOf[i]] = true; S.precs[ctx.precOf[i]] = true;
      if (S.day !== null) { S.day = ctx.dayOf[i] >= 0 ? ctx.dayOf[i] : null; S.win = 0; }
      ctx.redraw();
    }
    ctx.chunks.ensure([i]).catch(() => {});
    const m = ctx.bound(ctx.marker(i)), cl = ctx.api.clusterLayer && ctx.api.clusterLayer();
    map.once('moveend', () => {
      if (cl) cl.zoomToShowLayer(m, () => m.openPopup());
      else m.openPopup();
    });
    map.flyTo(m.getLatLng(), Math.max(map.getZoom(), 9), {duration: 0.6});
  }
  /** Search now (no debounce); returns the number of list items shown at once (place matches, and
   * evidence matches where the evidence is in the page). */
  ctx.api.search = q => { ui.search.value = q; search(); return ui.results.children.length; };
  /** Search now; resolves with the number of matches once every chunk of evidence is searched. */
  ctx.api.searchAll = q => { ui.search.value = q; return search(); };
}

export const feature = {name: 'search', install};

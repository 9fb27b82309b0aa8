/* The viewer's core: reads the JSON blobs, keeps the one small state object, selects the events
 * shown and asks every installed feature (timeline, filters, layers, search, export, hash, API)
 * to draw. Features are plain objects {name, install(ctx)}; geo/_map_plugins.py picks which. */
import { dayNum, iso, str, decode, openingView } from './util.mjs';
import { el, stop, button, readJSON } from './dom.mjs';

export const PRECS = ['settlement', 'region', 'country'];
export const ACTORS = ['UA', 'RU', ''];
const NARROW_PX = 700;        // below this map width the panel starts closed (phones, small tablets)

/** Per-event derived keys and the day axis from the columnar events blob. */
export function loadEvents(blob, typeColors) {
  const n = blob.n, C = {};
  blob.order.concat(['_link']).forEach(c => { C[c] = decode(blob.cols[c]) || []; });
  ['event_date', 'date_precision', 'event_type', 'actor', 'geo_precision', 'location_name', 'evidence',
    'source', '_link'].forEach(c => { if (!C[c] || C[c].length !== n) C[c] = new Array(n).fill(''); });
  const typeOf = new Array(n), actorOf = new Array(n), precOf = new Array(n), dayOf = new Int32Array(n);
  let minD = Infinity, maxD = -Infinity;
  const dayCache = new Map();        // a year of dates is ~365 strings over many events: parse each once
  for (let i = 0; i < n; i++) {
    const t = str(C.event_type[i]);
    typeOf[i] = typeColors[t] ? t : 'other';
    const a = str(C.actor[i]);
    actorOf[i] = a === 'UA' || a === 'RU' ? a : '';
    const p = str(C.geo_precision[i]);
    precOf[i] = PRECS.indexOf(p) >= 0 ? p : 'country';   // unknown precision: assume the coarsest
    const ds = C.event_date[i];
    let d = dayCache.get(ds);
    if (d === undefined) { d = dayNum(ds); dayCache.set(ds, d); }
    dayOf[i] = d === null ? -1 : d;
    if (d !== null) { if (d < minD) minD = d; if (d > maxD) maxD = d; }
  }
  const days = [], byDay = [], evDays = [];
  if (minD <= maxD) {
    if (maxD - minD > 40000) minD = maxD - 40000;    // absurd spans: keep the last ~110 years
    for (let d = minD; d <= maxD; d++) { days.push(iso(d)); byDay.push([]); }
    for (let i = 0; i < n; i++) {
      if (dayOf[i] >= minD) { dayOf[i] -= minD; byDay[dayOf[i]].push(i); } else dayOf[i] = -1;
    }
    for (let d = 0; d < byDay.length; d++) if (byDay[d].length) evDays.push(d);
  } else { for (let i = 0; i < n; i++) dayOf[i] = -1; minD = 0; }
  return {n, C, order: blob.order, lat: C.latitude, lon: C.longitude, typeOf, actorOf, precOf, dayOf,
    days, byDay, evDays, minD};
}

export function frontlineViewer(map, features, opts) {
  opts = opts || {};
  const cfg = readJSON('fl-config') || {};
  const ev = loadEvents(readJSON('fl-events') || {n: 0, cols: {}, order: []}, cfg.types || {});
  const types = Object.keys(cfg.types || {});
  const S = {day: null, win: 0, types: {}, actors: {}, precs: {}, speed: 1};
  types.forEach(t => { S.types[t] = true; });
  ACTORS.forEach(a => { S.actors[a] = true; });
  PRECS.forEach(p => { S.precs[p] = true; });
  if (map.options.maxZoom === undefined) map.setMaxZoom(18);   // no tile layer sets one offline
  if (map.options.minZoom === undefined) map.setMinZoom(2);

  const ctx = Object.assign(ev, {
    map, cfg, opts, types, S, sel: [], shownSet: new Uint8Array(ev.n), ui: {}, api: {},
    renderer: L.canvas({padding: 0.3}),
    hooks: {redraw: [], ui: [], start: []}, hashFields: [], ready: false,
    stopPlay() {},
    pass(i) { return S.types[ev.typeOf[i]] && S.actors[ev.actorOf[i]] && S.precs[ev.precOf[i]]; },
    range() {    // [lo, hi] day indexes, or null for all dates
      if (S.day === null) return null;
      return [S.win > 0 ? Math.max(0, S.day - S.win + 1) : S.day, S.day];
    },
    on(kind, fn) { ctx.hooks[kind].push(fn); },
    section(node) { ctx.ui.body.appendChild(node); return node; },
    redraw,
    fit,
  });

  function selection() {
    const out = [], r = ctx.range();
    if (!r) { for (let i = 0; i < ev.n; i++) if (ctx.pass(i)) out.push(i); return out; }
    for (let d = r[0]; d <= r[1]; d++) {
      const b = ev.byDay[d];
      for (let k = 0; k < b.length; k++) if (ctx.pass(b[k])) out.push(b[k]);
    }
    return out;
  }
  function redraw() {
    ctx.sel = selection();
    ctx.shownSet.fill(0);
    for (const i of ctx.sel) ctx.shownSet[i] = 1;
    ctx.hooks.redraw.forEach(fn => fn(ctx));
    updateUI();
  }
  function updateUI() {
    ctx.ui.count.textContent = ctx.sel.length + ' of ' + ev.n + ' events shown';
    ctx.hooks.ui.forEach(fn => fn(ctx));
  }

  // ---- panel (title, count, collapsible body for the features' sections) ----------------------
  function buildPanel() {
    const panel = stop(el('div', 'fl-panel')), head = el('div', 'fl-panel-head');
    head.appendChild(el('div', 'fl-title', cfg.title || 'frontline-map'));
    ctx.ui.toggle = button('☰', 'Show or hide the controls', () => setPanel(!ctx.panelOpen), 'fl-panel-toggle');
    head.appendChild(ctx.ui.toggle);
    panel.appendChild(head);
    if (cfg.subtitle) panel.appendChild(el('div', 'fl-subtitle', cfg.subtitle));
    ctx.ui.count = el('div', 'fl-count');
    panel.appendChild(ctx.ui.count);
    ctx.ui.body = el('div', 'fl-panel-body');
    panel.appendChild(ctx.ui.body);
    ctx.ui.panel = panel;
    map.getContainer().appendChild(panel);
  }
  function setPanel(open) {
    ctx.panelOpen = open;
    ctx.ui.panel.classList.toggle('fl-closed', !open);
    ctx.ui.toggle.textContent = open ? '×' : '☰ Controls';
    ctx.ui.toggle.setAttribute('aria-expanded', String(open));
  }

  /** Fit the map to the events, padded so no control covers one. */
  function fit(bounds) {
    let b = bounds || null;
    if (!b && ev.n) {            // plain min/max: 100k LatLng objects would cost ~50 ms at startup
      let s = 90, w = 180, no = -90, e = -180;
      for (let i = 0; i < ev.n; i++) {
        const y = ev.lat[i], x = ev.lon[i];
        if (y < s) s = y; if (y > no) no = y; if (x < w) w = x; if (x > e) e = x;
      }
      b = L.latLngBounds([s, w], [no, e]);
    }
    if (!b && ctx.baseBounds) b = ctx.baseBounds;
    if (!b || !b.isValid()) return;
    const box = map.getContainer().getBoundingClientRect();
    const rect = e => (e && e.offsetParent !== null ? e.getBoundingClientRect() : null);
    const p = rect(ctx.ui.panel), t = rect(ctx.ui.timebar);
    const M = 28;                                    // room for the largest marker (radius 26)
    let top = M, right = M, bottom = M;
    const left = M;
    if (t) bottom = box.bottom - t.top + M;
    if (p) {
      // pad the side that leaves the larger free area: right of the panel, or below it
      const byRight = (box.width - left - (box.right - p.left + M)) * (box.height - M - bottom);
      const byTop = (box.width - left - M) * (box.height - (p.bottom - box.top + M) - bottom);
      if (byRight >= byTop) right = box.right - p.left + M; else top = p.bottom - box.top + M;
    }
    top = Math.max(top, 84);                         // below the zoom buttons (top left)
    if (box.width - left - right < 120) right = Math.max(16, box.width - left - 120);
    if (box.height - top - bottom < 120) top = Math.max(16, box.height - bottom - 120);
    map.fitBounds(b, {paddingTopLeft: [left, top], paddingBottomRight: [right, bottom], maxZoom: 9,
      animate: false});
  }

  buildPanel();
  const v = openingView(ev.n, ev.evDays);
  S.day = v.day; S.win = v.win;
  features.forEach(f => f.install(ctx));
  setPanel(map.getContainer().clientWidth >= NARROW_PX);
  const fromHash = ctx.hooks.start.map(fn => fn(ctx)).some(Boolean);   // the hash may set a view
  if (!fromHash) fit();
  ctx.ready = true;
  redraw();
  ctx.api.map = map;
  ctx.api.days = ev.days;
  ctx.api.state = S;
  ctx.api.ready = true;                     // drawn: the opening view is on screen after the next frame
  ctx.api.setPanel = setPanel;
  ctx.api.fit = () => fit();
  ctx.api.shownCount = () => ctx.sel.length;
  ctx.api.shownIds = () => ctx.sel.map(i => (ev.C.event_id.length ? ev.C.event_id[i] : i));
  ctx.api.setTypes = list => { types.forEach(t => { S.types[t] = list.indexOf(t) >= 0; }); redraw(); };
  ctx.api.setFilter = (kind, list) => {
    const o = {actor: [S.actors, ACTORS], prec: [S.precs, PRECS], type: [S.types, types]}[kind];
    if (!o) throw new Error('no such filter: ' + kind);
    o[1].forEach(k => { o[0][k] = list.indexOf(k) >= 0; });
    redraw();
  };
  ctx.api.setLayers = o => {
    Object.keys(o).forEach(k => { if (k in S && typeof S[k] === 'boolean') S[k] = !!o[k]; });
    redraw();
  };
  return ctx.api;
}

/* The viewer's core: reads the JSON blobs, keeps the one small state object, selects the events
 * shown and asks every installed feature (timeline, filters, layers, search, export, hash, API)
 * to draw. Features are plain objects {name, install(ctx)}; geo/_map_plugins.py picks which. */
import { dayNum, iso, str, column, bytesFrom64, typedFrom64, findPackedId, openingView } from './util.mjs';
import { el, stop, button, readJSON } from './dom.mjs';

export const PRECS = ['settlement', 'region', 'country'];
export const ACTORS = ['UA', 'RU', ''];
const NARROW_PX = 700;
const NAMES_MAX = 50000;      // up to this many events, typeOf/actorOf/precOf are plain arrays of names        // below this map width the panel starts closed (phones, small tablets)

/** Per-event codes of one column: lut(value) of each event, via the column's dictionary when it
 * has one (a lookup per distinct value, not per event). */
function codesOf(col, n, lut) {
  const out = new Uint8Array(n);
  if (col && col.codes) {
    const m = col.dict.map(v => lut(str(v))), c = col.codes;
    for (let i = 0; i < n; i++) out[i] = m[c[i]];
  } else for (let i = 0; i < n; i++) out[i] = lut(str(col ? col.get(i) : ''));
  return out;
}

/** Per-event codes and the day axis from the columnar events blob. Columns stay columns
 * (util.mjs `column`: read per event with get); a map folder's chunked columns start empty and
 * are filled by loadChunk. Events of a day are one slice of *dayOrder* (byDay[d]). */
export function loadEvents(blob, typeColors) {
  const n = blob.n, cols = Object.create(null), types = Object.keys(typeColors);
  const place = blob.place ? typedFrom64(blob.place.b, blob.place.w) : null;   // a map folder's places
  Object.keys(blob.cols || {}).forEach(c => { cols[c] = column(blob.cols[c], n, place); });
  const ch = blob.chunks || null, parts = Object.create(null);
  if (ch) ch.cols.forEach(c => { parts[c] = new Array(ch.count).fill(null); });
  function get(c, i) {          // value; null: no such column or cell; undefined: chunk not loaded
    const col = cols[c];
    if (col) return col.get(i);
    const P = parts[c];
    if (!P) return null;
    const k = Math.floor(i / ch.size), part = P[k];
    return part ? part.get(i - k * ch.size) : undefined;
  }
  const other = Math.max(0, types.indexOf('other'));
  const typeCode = codesOf(cols.event_type, n, t => (types.indexOf(t) >= 0 ? types.indexOf(t) : other));
  const actorCode = codesOf(cols.actor, n, a => Math.max(0, ACTORS.indexOf(a === 'UA' || a === 'RU' ? a : '')));
  const precCode = codesOf(cols.geo_precision, n, p => (PRECS.indexOf(p) >= 0 ? PRECS.indexOf(p) : 2));  // unknown: coarsest
  const dayOf = new Int32Array(n);
  let typeOf, actorOf, precOf;
  if (n <= NAMES_MAX) {
    typeOf = new Array(n); actorOf = new Array(n); precOf = new Array(n);
    for (let i = 0; i < n; i++) {
      typeOf[i] = types[typeCode[i]] || 'other'; actorOf[i] = ACTORS[actorCode[i]]; precOf[i] = PRECS[precCode[i]];
    }
  } else {      // a big map reads these for the few events someone opens: names from the codes, no arrays
    const named = (codes, names, dflt) => new Proxy([], {get: (t, k) => (typeof k === 'string' && k.charCodeAt(0) >= 48 && k.charCodeAt(0) <= 57
      ? names[codes[+k]] || dflt : t[k])});
    typeOf = named(typeCode, types, 'other'); actorOf = named(actorCode, ACTORS, ''); precOf = named(precCode, PRECS, 'country');
  }
  const dc = cols.event_date, dayCache = new Map();
  const dayOfStr = s => { let d = dayCache.get(s); if (d === undefined) { d = dayNum(s); dayCache.set(s, d); } return d; };
  let minD = Infinity, maxD = -Infinity;
  if (dc && dc.codes) {
    const m = dc.dict.map(s => dayOfStr(s)), c = dc.codes;
    for (let i = 0; i < n; i++) { const d = m[c[i]]; dayOf[i] = d === null ? -1e9 : d; }
  } else for (let i = 0; i < n; i++) { const d = dc ? dayOfStr(dc.get(i)) : null; dayOf[i] = d === null ? -1e9 : d; }
  for (let i = 0; i < n; i++) { const d = dayOf[i]; if (d !== -1e9) { if (d < minD) minD = d; if (d > maxD) maxD = d; } }
  const days = [], byDay = [], evDays = [];
  let dayOrder = new Int32Array(0);
  if (minD <= maxD) {
    if (maxD - minD > 40000) minD = maxD - 40000;    // absurd spans: keep the last ~110 years
    const nd = maxD - minD + 1, start = new Int32Array(nd + 1);
    for (let d = minD; d <= maxD; d++) days.push(iso(d));
    for (let i = 0; i < n; i++) {
      if (dayOf[i] >= minD) { dayOf[i] -= minD; start[dayOf[i] + 1]++; } else dayOf[i] = -1;
    }
    for (let d = 0; d < nd; d++) start[d + 1] += start[d];
    dayOrder = new Int32Array(start[nd]);
    const put = start.slice(0, nd);
    for (let i = 0; i < n; i++) if (dayOf[i] >= 0) dayOrder[put[dayOf[i]]++] = i;
    for (let d = 0; d < nd; d++) {
      byDay.push(dayOrder.subarray(start[d], start[d + 1]));
      if (start[d + 1] > start[d]) evDays.push(d);
    }
  } else { dayOf.fill(-1); minD = 0; }
  const ll = c => (cols[c] && cols[c].values) || new Float64Array(n);
  // per place coordinates (when both columns go by place): projections and bounds once per place
  const places = place && cols.latitude && cols.latitude.perPlace && cols.longitude && cols.longitude.perPlace
    ? {of: place, lat: cols.latitude.perPlace, lon: cols.longitude.perPlace} : null;
  return {n, cols, get, chunkInfo: ch, parts, idsFile: blob.ids || null, order: blob.order, lat: ll('latitude'), lon: ll('longitude'), places,
    typeOf, actorOf, precOf, typeCode, actorCode, precCode, dayOf, days, byDay, evDays, minD};
}

/** *fn* after the next frame is painted (two animation frames), plus *ms*: work the opening view
 * does not need (a map folder's ids, the first chunk) must not hold up its first paint. */
function afterPaint(fn, ms) {
  requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(fn, ms)));
}

/** gzip + base64 (a map folder's chunk) → the JSON it holds. */
async function inflate(b64) {
  const stream = new Blob([bytesFrom64(b64)]).stream().pipeThrough(new DecompressionStream('gzip'));
  return JSON.parse(await new Response(stream).text());
}

/** A map folder's chunk loader: chunk k's columns come from `<dir>chunk-<k>.js` (a script element with src:
 * works from file://, allowed by the page's CSP as 'self'), once, on demand. */
function chunkLoader(ev, preloaded) {
  const ch = ev.chunkInfo, pending = new Map(), done = new Uint8Array(ch ? ch.count : 0);
  const tag = document.querySelector('script[src$="/events.js"]');
  const dir = tag ? tag.getAttribute('src').replace(/events\.js$/, '') : '';
  function install(k, obj) {
    const n = Math.min(ch.size, ev.n - k * ch.size);
    ch.cols.forEach(c => { ev.parts[c][k] = column(obj.cols[c], n); });
    done[k] = 1;
  }
  function load(k) {
    if (done[k]) return Promise.resolve();
    if (pending.has(k)) return pending.get(k);
    const key = 'fl-chunk-' + k, inline = document.getElementById(key);
    const pr = inline ? inflate(JSON.parse(inline.textContent)).then(obj => install(k, obj)) : new Promise((resolve, reject) => {
      const sc = document.createElement('script');
      sc.src = dir + 'chunk-' + k + '.js';
      sc.onload = () => {
        const data = window.__flData && window.__flData[key];
        if (window.__flData) delete window.__flData[key];
        sc.remove();
        if (typeof data !== 'string') { reject(new Error('chunk ' + k + ': no data')); return; }
        inflate(data).then(obj => { install(k, obj); resolve(); }, reject);
      };
      sc.onerror = () => { sc.remove(); reject(new Error('cannot load ' + sc.src)); };
      document.head.appendChild(sc);
    });
    pending.set(k, pr);
    pr.catch(() => pending.delete(k));
    return pr;
  }
  (preloaded || []).forEach((obj, k) => install(k, obj));
  return {
    loaded: i => !ch || !!done[Math.floor(i / ch.size)],
    allLoaded: () => !ch || done.every(Boolean),
    count: () => (ch ? ch.count : 0),
    chunkOf: i => (ch ? Math.floor(i / ch.size) : 0),
    load,
    /** The chunks holding events *list* (indexes). */
    ensure(list) {
      if (!ch) return Promise.resolve();
      const ks = new Set();
      for (const i of list) ks.add(Math.floor(i / ch.size));
      return Promise.all([...ks].map(load)).then(() => undefined);
    },
    /** Every chunk, a few at a time; progress(done, total) after each. */
    all(progress) {
      if (!ch) return Promise.resolve();
      let next = 0, finished = 0;
      const worker = () => (next >= ch.count ? Promise.resolve() : load(next++).then(() => {
        finished++; if (progress) progress(finished, ch.count);
        return worker();
      }));
      return Promise.all([worker(), worker(), worker()]).then(() => undefined);
    },
  };
}

/** Start the viewer: at once when the events blob is plain; else (packed: {z}) the stand-in
 * {ready: Promise} until the core columns are inflated (and, for small maps, every chunk), then
 * window.frontline is the viewer's API. */
export function frontlineBoot(map, features) {
  const raw = readJSON('fl-events') || {n: 0, cols: {}, order: []};
  if (!raw.z) return frontlineViewer(map, features, {blob: raw});
  const ready = inflate(raw.z).then(blob => {
    const ch = blob.chunks;
    if (!ch || !ch.preload) return [blob, null];
    const ks = [];
    for (let k = 0; k < ch.count; k++) ks.push(JSON.parse(document.getElementById('fl-chunk-' + k).textContent));
    return Promise.all(ks.map(inflate)).then(objs => [blob, objs]);
  }).then(([blob, objs]) => {
    const api = frontlineViewer(map, features, {blob, chunks: objs});
    window.frontline = api;
    return api;
  });
  return {ready};
}

export function frontlineViewer(map, features, opts) {
  opts = opts || {};
  const cfg = readJSON('fl-config') || {};
  const ev = loadEvents(opts.blob || readJSON('fl-events') || {n: 0, cols: {}, order: []}, cfg.types || {});
  const types = Object.keys(cfg.types || {});
  const S = {day: null, win: 0, types: {}, actors: {}, precs: {}, speed: 1};
  types.forEach(t => { S.types[t] = true; });
  ACTORS.forEach(a => { S.actors[a] = true; });
  PRECS.forEach(p => { S.precs[p] = true; });
  if (map.options.maxZoom === undefined) map.setMaxZoom(18);   // no tile layer sets one offline
  if (map.options.minZoom === undefined) map.setMinZoom(2);

  const chunks = chunkLoader(ev, opts.chunks), later = ev.idsFile;
  let ids = ev.cols.event_id;
  const needIds = () => { if (later && !ids) throw new Error('event ids still loading: await frontline.idsReady'); };
  // filter masks by code, refreshed from S at every redraw (pass() runs per event: no string lookups)
  const tOK = new Uint8Array(Math.max(1, types.length)), aOK = new Uint8Array(ACTORS.length), pOK = new Uint8Array(PRECS.length);
  function refreshPass() {
    types.forEach((t, k) => { tOK[k] = S.types[t] ? 1 : 0; });
    if (!types.length) tOK[0] = 1;
    ACTORS.forEach((a, k) => { aOK[k] = S.actors[a] ? 1 : 0; });
    PRECS.forEach((q, k) => { pOK[k] = S.precs[q] ? 1 : 0; });
  }
  // hot loops read locals, not properties of ctx (a big object in dictionary mode)
  const tc = ev.typeCode, ac = ev.actorCode, pc = ev.precCode, byDay = ev.byDay, N = ev.n;
  const pass = i => tOK[tc[i]] && aOK[ac[i]] && pOK[pc[i]];
  const ctx = Object.assign(ev, {
    map, cfg, opts, types, S, sel: [], shownSet: new Uint8Array(ev.n), ui: {}, api: {}, chunks, refreshPass,
    /** Column *c* of event *i*: null when absent, undefined while its chunk is not loaded. */
    val: (c, i) => ev.get(c, i),
    has: c => ev.order.indexOf(c) >= 0,
    idOf: i => { needIds(); return ids ? ids.get(i) : i; },
    indexOfId(id) {     // by event_id, or by row number when the table has no ids
      needIds();
      if (!ids) return typeof id === 'number' && id >= 0 && id < ev.n ? id : -1;
      if (ids.bytes) return findPackedId(ids.bytes, id);
      for (let i = 0; i < ev.n; i++) if (ids.get(i) === id) return i;
      return -1;
    },
    renderer: L.canvas({padding: 0.3}),
    hooks: {redraw: [], ui: [], start: []}, hashFields: [], ready: false,
    stopPlay() {},
    pass,
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
    if (!r) { for (let i = 0; i < N; i++) if (pass(i)) out.push(i); return out; }
    for (let d = r[0]; d <= r[1]; d++) {
      const b = byDay[d];
      for (let k = 0; k < b.length; k++) if (pass(b[k])) out.push(b[k]);
    }
    return out;
  }
  function redraw() {
    refreshPass();
    const sel = ctx.sel = selection(), shown = ctx.shownSet;
    shown.fill(0);
    for (let k = 0; k < sel.length; k++) shown[sel[k]] = 1;
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
      const la = ev.places ? ev.places.lat : ev.lat, lo = ev.places ? ev.places.lon : ev.lon;   // every place is some event's
      for (let i = 0; i < la.length; i++) {
        const y = la[i], x = lo[i];
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
  refreshPass();
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
  // a map folder: read one chunk once the page has loaded, so the first popup does not pay the
  // one-time cost of the first script load and inflate (~150 ms) on top of its own chunk's
  if (ev.chunkInfo && !chunks.allLoaded()) {
    const warm = () => afterPaint(() => chunks.load(chunks.chunkOf(ctx.sel.length ? ctx.sel[0] : 0)).catch(() => {}), 50);
    if (document.readyState === 'complete') warm(); else window.addEventListener('load', warm);
  }
  // a map folder's ids (10 MB at a million events) come after the opening view, in their own script
  ctx.api.idsReady = !later ? Promise.resolve() : new Promise((resolve, reject) => {
    const tag = document.querySelector('script[src$="/events.js"]');
    const sc = document.createElement('script');
    sc.src = (tag ? tag.getAttribute('src').replace(/events\.js$/, '') : '') + later;
    sc.onload = () => {
      const col = window.__flData && window.__flData['fl-ids'];
      if (window.__flData) delete window.__flData['fl-ids'];
      sc.remove();
      if (!col) { reject(new Error('no event ids in ' + sc.src)); return; }
      ids = ev.cols.event_id = column(col, ev.n);
      resolve();
    };
    sc.onerror = () => reject(new Error('cannot load ' + sc.src));
    const add = () => document.head.appendChild(sc);     // after the opening view is painted: it must not delay it
    if (document.readyState === 'complete') afterPaint(add, 0); else window.addEventListener('load', () => afterPaint(add, 0));
  });
  ctx.api.setPanel = setPanel;
  ctx.api.fit = () => fit();
  ctx.api.shownCount = () => ctx.sel.length;
  ctx.api.shownIds = () => ctx.sel.map(ctx.idOf);
  /** Load every chunk of a map folder (needed before csvText/geojson there); resolves when done. */
  ctx.api.loadAll = () => chunks.all();
  ctx.api.allLoaded = () => chunks.allLoaded();
  /** Is the chunk holding event *id*'s other columns (popup text) loaded? */
  ctx.api.chunkLoaded = id => { const i = ctx.indexOfId(id); return i >= 0 && chunks.loaded(i); };
  /** Column *col* of the event *id* (undefined while its chunk is not loaded). */
  ctx.api.value = (id, col) => { const i = ctx.indexOfId(id); return i < 0 ? null : ctx.val(col, i); };
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

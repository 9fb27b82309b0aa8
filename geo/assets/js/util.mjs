/* Pure helpers of the viewer (no DOM, no Leaflet): unit-tested with `node --test`. */

export const DAY_MS = 864e5;
const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})/;
export const URL_RE = /^https?:\/\/[^\s/?#]/i;

/** Day number (days since 1970-01-01, UTC) of an ISO date string; null if not a date. */
export function dayNum(s) {
  const m = ISO_RE.exec(typeof s === 'string' ? s : '');
  if (!m) return null;
  const t = Date.UTC(+m[1], +m[2] - 1, +m[3]);
  return isNaN(t) ? null : Math.round(t / DAY_MS);
}

/** ISO date of a day number. */
export function iso(d) { return new Date(d * DAY_MS).toISOString().slice(0, 10); }

export function str(v) { return v === null || v === undefined ? '' : String(v); }

export function clamp(x, lo, hi) { return Math.max(lo, Math.min(hi, x)); }

/** Little-endian base64 → typed array of *w* bytes per value (1, 2: unsigned; 4: signed). */
export function typedFrom64(b64, w) {
  const bytes = bytesFrom64(b64);
  const T = w === 1 ? Uint8Array : w === 2 ? Uint16Array : Int32Array;
  return new T(bytes.buffer, 0, bytes.length / w);
}

/** Base64 → bytes. */
export function bytesFrom64(b64) {
  if (Uint8Array.fromBase64) return Uint8Array.fromBase64(b64);     // native: ~6x faster than atob + loop
  const bin = atob(b64), bytes = new Uint8Array(bin.length);
  for (let k = 0; k < bin.length; k++) bytes[k] = bin.charCodeAt(k);
  return bytes;
}

/** Lower-case hex of bytes [k*8, k*8+8) (a packed event id). */
function hex8(bytes, k) {
  let s = '';
  for (let j = k * 8; j < k * 8 + 8; j++) s += (bytes[j] < 16 ? '0' : '') + bytes[j].toString(16);
  return s;
}

/** Per-place codes *per* → per-event codes through *place* (monomorphic loops: a million events each). */
function perEvent(per, place) {
  const n = place.length;
  if (per instanceof Uint8Array) { const o = new Uint8Array(n); for (let k = 0; k < n; k++) o[k] = per[place[k]]; return o; }
  if (per instanceof Uint16Array) { const o = new Uint16Array(n); for (let k = 0; k < n; k++) o[k] = per[place[k]]; return o; }
  const o = new Int32Array(n);
  for (let k = 0; k < n; k++) o[k] = per[place[k]];
  return o;
}

/** One column of the events blob as {get(i), codes?, dict?}, decoded once and read per event (a
 * million events never become a million-element array of strings):
 * a plain list; {d: uniques, b: base64 codes, w: bytes per code} or {d, i: codes} (dictionary-coded:
 * get reads d[codes[i]]); {b, w: 4, s: scale} (fixed-point numbers, e.g. coordinates in 1e-5 degree:
 * a Float64Array in .values); {x: base64, w: 8} (16-hex-digit ids packed as 8 bytes); {sp: base64
 * Int32 positions, v: values} (sparse: only the filled cells; others read null). A column with
 * `via` stores its codes once per place; *place* (per-event place codes, the blob's `place`) maps
 * them back to events (geo/_map_places.py). */
export function column(col, n, place) {
  if (col === null || col === undefined) return {get: () => null};
  if (Array.isArray(col)) return {get: i => (i < col.length ? col[i] : null), values: col};
  if (col.sp !== undefined) {
    const pos = typedFrom64(col.sp, 4), vals = column(col.v, pos.length);
    return {get(i) {
      let lo = 0, hi = pos.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1, p = pos[mid];
        if (p === i) return vals.get(mid);
        if (p < i) lo = mid + 1; else hi = mid - 1;
      }
      return null;
    }, sparse: pos};
  }
  if (col.x !== undefined) {          // decoded on first use: ids are not needed to draw
    let bytes = null;
    const c = {get: i => { const b = c.bytes; return i * 8 < b.length ? hex8(b, i) : null; }};
    Object.defineProperty(c, 'bytes', {get: () => bytes || (bytes = bytesFrom64(col.x))});
    return c;
  }
  if (col.b !== undefined && col.s) {
    const v = typedFrom64(col.b, col.w);
    let out;
    if (col.c !== undefined) {          // distinct values + a code per event (or per place: via)
      const d = new Float64Array(v.length), codes = typedFrom64(col.c, col.cw);
      for (let k = 0; k < v.length; k++) d[k] = v[k] / col.s;
      const per = new Float64Array(codes.length);
      for (let k = 0; k < codes.length; k++) per[k] = d[codes[k]];
      if (col.via && place) {
        out = new Float64Array(place.length);
        for (let k = 0; k < place.length; k++) out[k] = per[place[k]];
        return {get: i => out[i], values: out, perPlace: per};
      }
      out = per;
    } else {
      out = new Float64Array(v.length);
      for (let k = 0; k < v.length; k++) out[k] = v[k] / col.s;
    }
    return {get: i => out[i], values: out};
  }
  const d = col.d;
  let codes = col.b !== undefined ? typedFrom64(col.b, col.w) : col.i;
  if (col.via && place) codes = perEvent(codes, place);   // one code per place (geo/_map_places.py)
  return {get: i => (i < codes.length ? d[codes[i]] : null), codes, dict: d};
}

/** A column's values as a list (tests, small maps). */
export function decode(col, n) {
  if (!col) return null;
  const c = column(col);
  if (n === undefined) {
    n = c.values ? c.values.length : c.codes ? c.codes.length : c.bytes ? c.bytes.length / 8
      : c.sparse && c.sparse.length ? c.sparse[c.sparse.length - 1] + 1 : 0;
  }
  const out = new Array(n);
  for (let k = 0; k < n; k++) out[k] = c.get(k);
  return out;
}

/** Index of the packed id *id* (16 hex digits) in *bytes* (8 per id); -1 if absent. */
export function findPackedId(bytes, id) {
  if (typeof id !== 'string' || !/^[0-9a-f]{16}$/.test(id)) return -1;
  const want = new Uint8Array(8);
  for (let j = 0; j < 8; j++) want[j] = parseInt(id.slice(2 * j, 2 * j + 2), 16);
  const n = bytes.length / 8;
  for (let k = 0; k < n; k++) {
    const o = k * 8;
    if (bytes[o] !== want[0] || bytes[o + 1] !== want[1]) continue;
    let same = true;
    for (let j = 2; j < 8; j++) if (bytes[o + j] !== want[j]) { same = false; break; }
    if (same) return k;
  }
  return -1;
}

/** Inverse of render.py's _pack_geometry: integer deltas of 1/scale degree → GeoJSON MultiPolygon. */
export function unpackGeometry(g, scale) {
  if (!g || !g.p) return g;
  return {type: 'MultiPolygon', coordinates: g.p.map(poly => poly.map(flat => {
    let x = 0, y = 0;
    const ring = [];
    for (let i = 0; i + 1 < flat.length; i += 2) { x += flat[i]; y += flat[i + 1]; ring.push([x / scale, y / scale]); }
    return ring;
  }))};
}

/** One CSV cell: numbers stay numbers; text starting with = + - @ TAB CR gets a ' so spreadsheets
 * show it as text instead of running it as a formula. */
export function csvCell(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
  return '"' + s.replace(/"/g, '""') + '"';
}

/** CSV text (CRLF rows) of *rows* (indexes) over *cols*, reading values with get(col, row). */
export function csvText(cols, rows, get) {
  const lines = [cols.map(csvCell).join(',')];
  for (const i of rows) lines.push(cols.map(c => csvCell(get(c, i))).join(','));
  return lines.join('\r\n') + '\r\n';
}

/** The opening view: all dates; above *limit* events the last *lastDays* days that have events.
 * *evDays* are the (sorted) day indexes that have events. Returns {day, win} (day null = all). */
export function openingView(n, evDays, limit = 20000, lastDays = 7) {
  if (n <= limit || !evDays.length) return {day: null, win: 0};
  const last = evDays[evDays.length - 1], first = evDays[Math.max(0, evDays.length - lastDays)];
  return {day: last, win: last - first + 1};
}

/** The next (delta > 0) or previous day index from *cur* among *steps* (sorted day indexes);
 * from "all dates" (cur null) forward starts at the first, backward at the last. */
export function stepDay(steps, cur, delta) {
  if (!steps.length) return cur;
  if (cur === null) return delta > 0 ? steps[0] : steps[steps.length - 1];
  if (delta > 0) { for (const d of steps) if (d > cur) return d; return steps[steps.length - 1]; }
  for (let k = steps.length - 1; k >= 0; k--) if (steps[k] < cur) return steps[k];
  return steps[0];
}

/** Index of the snapshot in force on *day* (day numbers): the latest on or before it, if at most
 * *maxAge* days older; else -1. *snapDays* are sorted day numbers (null entries ignored). */
export function pickSnapshot(snapDays, day, maxAge) {
  let best = -1;
  for (let k = 0; k < snapDays.length; k++) if (snapDays[k] !== null && snapDays[k] <= day) best = k;
  if (best < 0) return -1;
  return day - snapDays[best] <= maxAge ? best : -1;
}

/** Days per timeline bar so every bar is at least *minPx* wide: 1, 2, 3, 7, 14, 30, ... */
export function daysPerBar(nDays, widthPx, minPx = 8) {
  if (nDays <= 0 || widthPx <= 0) return 1;
  const need = Math.ceil(minPx * nDays / widthPx);
  for (const k of [1, 2, 3, 7, 14, 30, 61, 91, 182, 365]) if (k >= need) return k;
  return need;
}

/** Timeline bars over the day indexes [v0, v1] for a strip *widthPx* wide: [{x, w, d0, d1}] in px,
 * left to right. Bars end on v1 (the latest dates are whole bars); a remainder at the start too
 * narrow to hit joins the first bar, so every bar is at least *minPx* wide when the strip allows. */
export function timelineBars(v0, v1, widthPx, minPx = 8) {
  const nDays = v1 - v0 + 1, k = daysPerBar(nDays, widthPx, minPx), pxDay = widthPx / nDays, out = [];
  for (let d1 = v1; d1 >= v0; d1 -= k) out.push([Math.max(v0, d1 - k + 1), d1]);
  out.reverse();
  if (out.length > 1 && (out[0][1] - out[0][0] + 1) * pxDay < minPx) { out[1][0] = out[0][0]; out.shift(); }
  return out.map(([d0, d1]) => ({x: (d0 - v0) * pxDay, w: (d1 - d0 + 1) * pxDay, d0, d1}));
}

/** The strip's visible day range after zooming by *factor* (<1 zooms in) around day *at*. */
export function zoomRange(v0, v1, at, factor, nDays, minSpan = 7) {
  const span = clamp(Math.round((v1 - v0 + 1) * factor), Math.min(minSpan, nDays), nDays);
  const frac = v1 > v0 ? (at - v0) / (v1 - v0) : 0.5;
  let a = Math.round(at - frac * (span - 1));
  a = clamp(a, 0, nDays - span);
  return [a, a + span - 1];
}

function safeDecode(s) {
  try { return decodeURIComponent(s); } catch { return null; }
}

/** URL hash → {key: value}; null when it is not ours (undecodable, oversized, odd keys): a hostile
 * or truncated link is no state, never an error. */
export function parseHash(hash) {
  if (typeof hash !== 'string') return null;
  const h = hash.replace(/^#/, '');
  if (!h || h.length > 4000) return null;
  const out = {};
  for (const kv of h.split('&')) {
    if (!kv) continue;
    const k = kv.indexOf('=');
    if (k <= 0) return null;
    const key = safeDecode(kv.slice(0, k)), val = safeDecode(kv.slice(k + 1));
    if (key === null || val === null || !/^[a-z]{1,12}$/.test(key)) return null;
    out[key] = val;
  }
  return out;
}

/** {key: value} → "#k=v&..." (values URI-encoded; commas kept readable). */
export function formatHash(obj) {
  return '#' + Object.keys(obj).map(k => k + '=' + encodeURIComponent(String(obj[k])).replace(/%2C/g, ',')).join('&');
}

/** Which of *allowed* a comma list names (unknown names dropped); undefined → all. */
export function listFrom(val, allowed) {
  if (val === undefined) return allowed.slice();
  const on = val.split(',');
  return allowed.filter(k => on.indexOf(k) >= 0);
}

/** Fan-out positions (px offsets) for *n* stacked markers: a circle, or a spiral above 8. */
export function spiderOffsets(n, radius = 22) {
  const out = [];
  if (n <= 8) {
    for (let k = 0; k < n; k++) {
      const a = 2 * Math.PI * k / n - Math.PI / 2;
      out.push([Math.round(radius * Math.cos(a)), Math.round(radius * Math.sin(a))]);
    }
    return out;
  }
  let leg = 11, a = 0;               // markercluster's spiral: feet ~28 px apart
  for (let k = 0; k < n; k++) {
    a += 28 / leg + k * 0.0005;
    out.push([Math.round(leg * Math.cos(a)), Math.round(leg * Math.sin(a))]);
    leg += 2 * Math.PI * 5 / a;
  }
  return out;
}

/** Popup rows for one event: [[label, text]] of the filled user-facing fields, then [[label, text]]
 * of the extras (shown behind "more"). *get(col)* reads the event's value; *order* lists its columns. */
export const MAIN_FIELDS = [
  ['Type', 'event_type'], ['Original type', 'event_type_original'], ['Weapon', 'weapon'],
  ['Actor', 'actor'], ['Status', 'status'], ['Region', 'admin1'], ['Country', 'country'],
  ['Geocoding precision', 'geo_precision'], ['Confidence', 'confidence']];
/** Columns never shown in a popup: bookkeeping of the pipeline, or shown elsewhere in it. */
export const HIDDEN_FIELDS = ['input_file', 'admin1_code', '_link', '_file', '_line', '_raw', 'latitude',
  'longitude', 'event_date', 'date_precision', 'location_name', 'source', 'evidence', 'why', 'occupied'];

export function popupFields(order, get) {
  const main = [], more = [];
  const known = {};
  for (const [label, col] of MAIN_FIELDS) {
    known[col] = 1;
    if (order.indexOf(col) < 0) continue;
    const v = str(get(col)).trim();
    if (v) main.push([label, col === 'event_type' ? v.replace(/_/g, ' ') : v]);
  }
  for (const col of order) {
    if (known[col] || HIDDEN_FIELDS.indexOf(col) >= 0) continue;
    const v = str(get(col)).trim();
    if (v) more.push([col === 'event_id' ? 'Event id' : col, v]);
  }
  return {main, more};
}

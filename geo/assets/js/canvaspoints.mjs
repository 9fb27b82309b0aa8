/* Event points for big maps: one canvas on its own pane draws only the shown events straight from
 * the typed columns (no Leaflet object per event), batched by style; a grid of screen cells built
 * at each draw finds the point under the pointer (hover tooltip, click popup, fan-out of stacks).
 * A date switch repaints this canvas only (the base map has its own pane and canvas). Leaflet
 * markers exist only for events someone opens (click, search, API): the "focus" layer. */
import { styleFor, tooltipContent, bindOnce, makeSpider } from './points.mjs';

const CELL = 32;          // hit-grid cell (CSS px), larger than the largest radius (26) + stroke
const STACK_PX = 4;       // points closer than this on screen are "stacked": a click fans them out
const PAD = 0.1;          // canvas margin around the view (fraction of its size), so short pans show points (Leaflet's default;
                          // each date switch repaints and hands the compositor the whole canvas: 1.44x the view, not 1.96x)
const PATH_MAX = 2000;    // circles per path before it is filled
const PRECS = ['country', 'region', 'settlement'];   // drawing order: coarse circles below, dots on top

/** Web Mercator world pixels at zoom 0 (256 px wide; Leaflet's EPSG:3857) of the lat, lon arrays;
 * with *places* ({of: place per event, lat, lon per place}) projected once per place. */
export function worldPixels(lat, lon, places) {
  if (places) {
    const p = worldPixels(places.lat, places.lon), of = places.of, n = of.length;
    const x = new Float64Array(n), y = new Float64Array(n);
    for (let i = 0; i < n; i++) { const k = of[i]; x[i] = p.x[k]; y[i] = p.y[k]; }
    return {x, y};
  }
  const n = lat.length, x = new Float64Array(n), y = new Float64Array(n), MAX = 85.0511287798;
  for (let i = 0; i < n; i++) {
    const la = Math.max(-MAX, Math.min(MAX, lat[i])) * Math.PI / 180;
    x[i] = 256 * (lon[i] + 180) / 360;
    y[i] = 128 - 128 * Math.log(Math.tan(Math.PI / 4 + la / 2)) / Math.PI;
  }
  return {x, y};
}

function install(ctx) {
  const map = ctx.map, n = ctx.n, types = ctx.types.length ? ctx.types : ['other'];
  map.createPane('fl-points').style.zIndex = 410;        // above the base map (390) and overlays
  map.createPane('fl-points-top').style.zIndex = 415;    // opened points and fan-outs, above the dots
  const pane = map.getPane('fl-points');
  pane.style.pointerEvents = 'none';                      // the map's own events reach the layers below
  // SVG, not a canvas: a few opened markers or a fan-out; a canvas the size of the view would be repainted and
  // handed to the compositor (~25 ms in software) on every frame between a click and its popup's text
  const top = L.svg({pane: 'fl-points-top', padding: 0.1});
  const focus = L.layerGroup().addTo(map), spider = L.layerGroup().addTo(map);
  const {unspider, spiderfy} = makeSpider(ctx, spider, top);
  const W0 = worldPixels(ctx.lat, ctx.lon, ctx.places);
  const typeCode = ctx.typeCode, precCode = new Uint8Array(n), rank = ctx.precCode;
  const toDraw = [2, 1, 0];                              // viewer's PRECS (settlement, region, country) → PRECS here
  for (let i = 0; i < n; i++) precCode[i] = toDraw[rank[i]];
  const NB = PRECS.length * 2 * types.length;             // buckets: precision × faded × type
  const bucketOf = (p, faded, t) => (p * 2 + (faded ? 0 : 1)) * types.length + t;   // faded under new
  const canvas = L.DomUtil.create('canvas', 'fl-points-canvas leaflet-zoom-animated', pane);
  const g = canvas.getContext('2d');
  // what the last draw put where (draw order = stacking order), for hits and drawnCount()
  let D = {n: 0, idx: new Int32Array(0), x: new Float32Array(0), y: new Float32Array(0), r: new Float32Array(0),
    start: new Int32Array(1), items: new Int32Array(0), gw: 0, gh: 0, pad: L.point(0, 0), painted: 0};
  let tl = null, stampGen = new Int32Array(0), stampB = new Uint16Array(0), gen = 0;

  function styles() {       // one style per bucket, from the marker layer's own styleFor
    const out = new Array(NB), probe = {cfg: ctx.cfg, S: ctx.S, typeOf: [], precOf: []};
    for (let p = 0; p < PRECS.length; p++) {
      for (const faded of [true, false]) {
        for (let t = 0; t < types.length; t++) {
          probe.typeOf[0] = types[t]; probe.precOf[0] = PRECS[p];
          out[bucketOf(p, faded, t)] = styleFor(probe, 0, !faded);
        }
      }
    }
    return out;
  }

  function draw() {
    if (!map._loaded) return;
    const size = map.getSize(), pad = size.multiplyBy(PAD).round(), W = size.x + 2 * pad.x, H = size.y + 2 * pad.y;
    tl = map.containerPointToLayerPoint([0, 0]).subtract(pad);
    L.DomUtil.setPosition(canvas, tl);
    const dpr = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(W * dpr) || canvas.height !== Math.round(H * dpr)) {
      canvas.width = Math.round(W * dpr); canvas.height = Math.round(H * dpr);
      canvas.style.width = W + 'px'; canvas.style.height = H + 'px';
    }
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, W, H);
    const sel = ctx.useCluster && ctx.useCluster() ? [] : ctx.sel, m = sel.length;
    const k = Math.pow(2, map.getZoom()), po = map.getPixelOrigin(), ox = po.x + tl.x, oy = po.y + tl.y;
    const S = ctx.S, all = S.day === null, st = styles();
    // bucket the shown points (counting sort), keeping their order inside a bucket
    const key = new Uint16Array(m), count = new Int32Array(NB + 1);
    for (let j = 0; j < m; j++) {
      const i = sel[j], faded = S.win > 0 && !(all || ctx.dayOf[i] === S.day);
      const b = bucketOf(precCode[i], faded, typeCode[i]);
      key[j] = b; count[b + 1]++;
    }
    for (let b = 0; b < NB; b++) count[b + 1] += count[b];
    const order = new Int32Array(m), fill = count.slice(0, NB);
    for (let j = 0; j < m; j++) order[fill[key[j]]++] = sel[j];
    const idx = new Int32Array(m), X = new Float32Array(m), Y = new Float32Array(m), R = new Float32Array(m);
    let nd = 0, painted = 0;
    // pixel → bucket painted there in this draw: an identical circle on the same pixel is painted once
    if (stampGen.length < W * H) { stampGen = new Int32Array(W * H); stampB = new Uint16Array(W * H); gen = 0; }
    gen++;
    for (let b = 0; b < NB; b++) {
      const a = count[b], z = count[b + 1];
      if (a === z) continue;
      const s = st[b], r = s.radius, reach = r + (s.weight || 0);
      g.globalAlpha = s.fillOpacity; g.fillStyle = s.fillColor;
      if (s.weight) {
        g.strokeStyle = s.color; g.lineWidth = s.weight;
        g.setLineDash(s.dashArray ? s.dashArray.split(' ').map(Number) : []);
        g.lineCap = s.lineCap || 'butt';
      }
      let inPath = 0;
      const flush = () => {     // paths of a few thousand circles: one huge path rasterises superlinearly
        g.globalAlpha = s.fillOpacity; g.fill();
        if (s.weight) { g.globalAlpha = s.opacity; g.stroke(); }
        g.beginPath(); inPath = 0;
      };
      g.beginPath();
      for (let q = a; q < z; q++) {
        const i = order[q], x = Math.round(W0.x[i] * k - ox), y = Math.round(W0.y[i] * k - oy);
        if (x < -reach || y < -reach || x > W + reach || y > H + reach) continue;
        idx[nd] = i; X[nd] = x; Y[nd] = y; R[nd] = reach; nd++;
        if (x >= 0 && y >= 0 && x < W && y < H) {
          const pos = y * W + x;
          if (stampGen[pos] === gen && stampB[pos] === b) continue;
          stampGen[pos] = gen; stampB[pos] = b;
        }
        painted++;
        g.moveTo(x + r, y);
        g.arc(x, y, r, 0, 2 * Math.PI);
        if (++inPath === PATH_MAX) flush();
      }
      if (inPath) flush();
    }
    g.globalAlpha = 1; g.setLineDash([]);
    // hit grid over the canvas: cell → drawn points (indexes into the draw order)
    const gw = Math.ceil(W / CELL) + 1, gh = Math.ceil(H / CELL) + 1, start = new Int32Array(gw * gh + 1);
    const cellOf = new Int32Array(nd);
    for (let d = 0; d < nd; d++) {
      const cx = Math.max(0, Math.min(gw - 1, Math.floor(X[d] / CELL))), cy = Math.max(0, Math.min(gh - 1, Math.floor(Y[d] / CELL)));
      cellOf[d] = cy * gw + cx; start[cellOf[d] + 1]++;
    }
    for (let c = 0; c < gw * gh; c++) start[c + 1] += start[c];
    const items = new Int32Array(nd), put = start.slice(0, gw * gh);
    for (let d = 0; d < nd; d++) items[put[cellOf[d]]++] = d;
    D = {n: nd, idx, x: X, y: Y, r: R, start, items, gw, gh, pad, painted};
  }

  /** Draw-order positions of the drawn points within *reach(d)* px of container point *cp*. */
  function near(cp, reach) {
    const px = cp.x + D.pad.x, py = cp.y + D.pad.y, out = [];
    const cx = Math.floor(px / CELL), cy = Math.floor(py / CELL);
    for (let yy = cy - 1; yy <= cy + 1; yy++) {
      if (yy < 0 || yy >= D.gh) continue;
      for (let xx = cx - 1; xx <= cx + 1; xx++) {
        if (xx < 0 || xx >= D.gw) continue;
        const c = yy * D.gw + xx;
        for (let q = D.start[c]; q < D.start[c + 1]; q++) {
          const d = D.items[q], dx = D.x[d] - px, dy = D.y[d] - py, r = reach(d);
          if (dx * dx + dy * dy <= r * r) out.push(d);
        }
      }
    }
    return out.sort((a, b) => a - b);
  }
  /** The topmost drawn event under container point *cp* (-1 if none). */
  function hit(cp) {
    const ds = near(cp, d => D.r[d] + 1);
    return ds.length ? ds[ds.length - 1] : -1;
  }

  const markers = new Map();    // event index → its Leaflet marker, made on first use
  ctx.marker = i => {
    let m = markers.get(i);
    if (!m) {
      m = L.circleMarker([ctx.lat[i], ctx.lon[i]], L.extend({renderer: top}, styleFor(ctx, i, true)));
      m._fl = i;
      markers.set(i, m);
    }
    return m;
  };
  ctx.bound = m => {
    bindOnce(ctx, m);
    if (!m._map && !(ctx.useCluster && ctx.useCluster())) {
      const i = m._fl, S = ctx.S;
      m.setStyle(styleFor(ctx, i, S.day === null || ctx.dayOf[i] === S.day));
      m.options.interactive = false;                    // our hit grid handles the pointer
      focus.addLayer(m);
    } else if (!focus.hasLayer(m)) m.options.interactive = true;     // inside the cluster layer
    return m;
  };

  ctx.pointRenderers = [top];
  ctx.pointUnder = () => hovered >= 0;
  const hoverTip = L.tooltip({direction: 'top', offset: [0, -6]});
  let hovered = -1;
  map.on('mousemove', e => {
    if (!D.n) return;
    const d = hit(e.containerPoint), i = d >= 0 ? D.idx[d] : -1;
    map.getContainer().style.cursor = i >= 0 ? 'pointer' : '';
    if (i === hovered) return;
    hovered = i;
    if (i < 0) { map.closeTooltip(hoverTip); return; }
    ctx.chunks.ensure([i]).catch(() => {});          // a map folder: its popup text before the click
    hoverTip.setLatLng([ctx.lat[i], ctx.lon[i]]).setContent(tooltipContent(ctx, i));
    map.openTooltip(hoverTip);
  });
  map.on('mouseout', () => { hovered = -1; map.closeTooltip(hoverTip); });
  map.on('click', e => {
    const d = D.n ? hit(e.containerPoint) : -1;
    if (d < 0) { unspider(); return; }
    const stack = near(L.point(D.x[d] - D.pad.x, D.y[d] - D.pad.y), () => STACK_PX * Math.SQRT2).map(q => D.idx[q]);
    if (stack.length > 1) { map.closeTooltip(hoverTip); map.closePopup(); spiderfy(stack); return; }
    ctx.chunks.ensure([D.idx[d]]).catch(() => {});     // start loading its text with the click
    ctx.bound(ctx.marker(D.idx[d])).openPopup();
  });
  map.on('zoomstart', unspider);
  map.on('moveend resize viewreset', draw);
  map.on('zoomanim', e => {
    if (!tl) return;
    const scale = map.getZoomScale(e.zoom), from = map.layerPointToLatLng(tl);
    L.DomUtil.setTransform(canvas, map._latLngToNewLayerPoint(from, e.zoom, e.center), scale);
  });
  ctx.on('redraw', () => {
    unspider();
    focus.clearLayers();
    hovered = -1;
    map.closeTooltip(hoverTip);
    draw();
  });

  ctx.api.markerOf = id => {   // by event_id, or by row number when the table has no ids
    const k = ctx.indexOfId(id);
    return k >= 0 ? ctx.bound(ctx.marker(k)) : null;
  };
  ctx.api.openPopup = id => { const m = ctx.api.markerOf(id); if (m) m.openPopup(); return m; };
  ctx.api.spiderMarkers = () => spider.getLayers().filter(l => l._fl !== undefined);
  ctx.api.spidered = () => (ctx.spidered ? ctx.spidered.map(ctx.idOf) : null);
  /** Points the last draw put on the canvas (in view; a point exactly under an identical one counts). */
  ctx.api.drawnCount = () => D.n;
  /** Circles actually painted (identical ones on the same pixel painted once). */
  ctx.api.paintedCount = () => D.painted;
  /** The event (id, or row without ids) drawn topmost at container point x, y; null if none. */
  ctx.api.pointAt = (x, y) => {
    const d = hit(L.point(x, y));
    if (d < 0) return null;
    return ctx.idOf(D.idx[d]);
  };
  ctx.api.pointLayer = 'canvas';
}

export const feature = {name: 'canvaspoints', install};

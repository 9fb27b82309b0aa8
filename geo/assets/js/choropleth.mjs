/* The offline base map (admin-1 regions and neighbouring countries) and the region choropleth.
 * A region counts only events located inside it at settlement or region precision: an event
 * known only to its country is not counted in any one region (it would be a false attribution). */
import { el, readJSON } from './dom.mjs';
import { str } from './util.mjs';
import { layerToggle, legendLine } from './layers.mjs';

const CHORO = ['#f8e9dc', '#f4d6c0', '#efc0a2', '#e8a783', '#de8c66', '#d0714d'];   // muted: markers stay readable
const BASE_FILL = '#f7f4ec';

function install(ctx) {
  const basemap = readJSON('fl-basemap'), map = ctx.map, index = {}, regions = [];
  let uncounted = 0;
  if (!basemap || !basemap.features) return;
  // its own pane and canvas: a date switch repaints the points, not the base map (unless shading changes)
  map.createPane('fl-base').style.zIndex = 390;          // above tiles (200), below overlays (400)
  const baseRenderer = L.canvas({pane: 'fl-base', padding: 0.1});   // repainted when shading changes: a small margin
  const base = L.geoJSON(basemap, {
    renderer: baseRenderer, pane: 'fl-base',
    style: f => {
      const admin = (f.properties || {}).kind === 'admin1';
      return {color: admin ? '#9a958c' : '#6d675d', weight: admin ? 0.8 : 1.6, fillColor: BASE_FILL,
        fillOpacity: 1, opacity: 1};
    },
    onEachFeature: (f, layer) => {
      const pr = f.properties || {};
      if (pr.kind !== 'admin1') { layer.options.interactive = false; return; }
      layer._flCount = 0;
      [pr.code, pr.name].forEach(k => { if (k) index[String(k).toLowerCase()] = layer; });
      regions.push(layer);
      layer.bindTooltip(() => {
        const box = el('div', 'fl-tip');
        box.appendChild(el('b', null, str(pr.name) || str(pr.code)));
        box.appendChild(el('div', null, layer._flCount + ' events shown'));
        if (uncounted) box.appendChild(el('div', 'fl-tip-note', uncounted + ' country-wide events not counted in any region'));
        return box;
      }, {sticky: true});
    },
  }).addTo(map);
  base.bringToBack();
  // The point canvases above catch the pointer (Leaflet does not pass events between canvases):
  // where no point is under it, hand the move to the base map's canvas, so regions get their hover.
  const pointHovered = () => [ctx.renderer].concat(ctx.pointRenderers || []).some(r => r && r._hoveredLayer) ||
    (ctx.pointUnder ? ctx.pointUnder() : false);
  const box = map.getContainer();
  box.addEventListener('mousemove', e => {
    if (!baseRenderer._container || e.target === baseRenderer._container) return;
    if (!box.contains(e.target) || e.target.closest('.fl-panel, .fl-timebar, .leaflet-control, .leaflet-popup')) return;
    if (pointHovered()) { baseRenderer._handleMouseOut(e); return; }
    baseRenderer._onMouseMove(e);
  });
  box.addEventListener('mouseleave', e => { if (baseRenderer._container) baseRenderer._handleMouseOut(e); });
  ctx.baseBounds = base.getBounds();
  if (!regions.length) return;
  layerToggle(ctx, 'choro', 'regions', true);
  ctx.section(legendLine('fl-key-regions', 'regions: darker = more events shown'));
  // each event's region, found once (by dictionary code: a lookup per distinct code, not per event)
  const layerOf = (code, name) => (code && index[String(code).toLowerCase()]) || (name && index[String(name).toLowerCase()]) || null;
  let regionOf = null;
  function regionIndex() {
    const n = ctx.n, out = new Int32Array(n).fill(-1), kOf = new Map(regions.map((l, k) => [l, k]));
    const cc = ctx.cols.admin1_code, nc = ctx.cols.admin1;
    const k = (code, name) => { const l = layerOf(code, name); return l ? kOf.get(l) : -1; };
    if ((!cc || cc.codes) && (!nc || nc.codes)) {
      const nn = nc ? nc.dict.length : 1, cs = cc ? cc.codes : null, ns = nc ? nc.codes : null;
      const memo = new Int32Array((cc ? cc.dict.length : 1) * nn).fill(-2);   // -2: not looked up yet
      for (let i = 0; i < n; i++) {
        const a = cs ? cs[i] : 0, b = ns ? ns[i] : 0, key = a * nn + b;
        let r = memo[key];
        if (r === -2) { r = memo[key] = k(cc ? cc.dict[a] : null, nc ? nc.dict[b] : null); }
        out[i] = r;
      }
    } else for (let i = 0; i < n; i++) out[i] = k(cc ? cc.get(i) : null, nc ? nc.get(i) : null);
    return out;
  }
  ctx.on('redraw', () => {
    if (!regionOf) regionOf = regionIndex();
    const cnt = new Int32Array(regions.length), country = 2;   // viewer PRECS: settlement, region, country
    let max = 0;
    uncounted = 0;
    for (const i of ctx.sel) {
      if (ctx.precCode[i] === country) { uncounted++; continue; }
      const r = regionOf[i];
      if (r >= 0 && ++cnt[r] > max) max = cnt[r];
    }
    regions.forEach((l, k) => { l._flCount = cnt[k]; });
    regions.forEach(l => {
      const c = l._flCount;
      let fill = BASE_FILL;
      if (ctx.S.choro && c > 0) fill = CHORO[Math.min(CHORO.length - 1, Math.floor(Math.log(c) / Math.log(max + 1) * CHORO.length))];
      if (l._flFill !== fill) { l._flFill = fill; l.setStyle({fillColor: fill}); }
    });
  });
  ctx.api.regionCounts = () => {
    const o = {};
    regions.forEach(l => { o[l.feature.properties.code || l.feature.properties.name] = l._flCount; });
    return o;
  };
}

export const feature = {name: 'choropleth', install};

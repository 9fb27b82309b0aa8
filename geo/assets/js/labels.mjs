/* Place names on the offline base map, by zoom: countries and oblast centres from the first
 * view, larger towns from zoom 7, towns from zoom 9 (tiers and zooms come with the data). */
import { el, readJSON } from './dom.mjs';

function install(ctx) {
  const data = readJSON('fl-labels'), map = ctx.map;
  if (!data || !data.labels || !data.labels.length) return;
  const minZoom = data.min_zoom || [0, 7, 9];
  map.createPane('fl-labels').style.zIndex = 420;       // above the canvas; pointer-events: none (CSS)
  const group = L.layerGroup().addTo(map);
  // labels come sorted by importance (tier, then population): a label that would overlap one
  // placed before it at this zoom is left out
  const items = data.labels.map(([name, lat, lon, tier, kind]) => ({name, lat, lon, tier, kind, marker: null,
    w: name.length * (kind === 'country' ? 9.5 : 6.8) + 6, h: kind === 'country' ? 16 : 14}));
  function marker(it) {
    if (!it.marker) {
      const span = el('span', 'fl-label fl-label-' + (it.kind || 'town'), it.name);
      const icon = L.divIcon({html: span, className: 'fl-label-icon', iconSize: null});
      it.marker = L.marker([it.lat, it.lon], {icon, pane: 'fl-labels', interactive: false, keyboard: false});
    }
    return it.marker;
  }
  function update() {
    const z = map.getZoom(), placed = [], want = new Set(), view = map.getBounds().pad(0.3);
    for (const it of items) {
      if (z < (minZoom[it.tier] || 0) || !view.contains([it.lat, it.lon])) continue;
      const p = map.project([it.lat, it.lon], z);
      const r = [p.x - it.w / 2, p.y - it.h / 2, p.x + it.w / 2, p.y + it.h / 2];
      if (placed.some(q => r[0] < q[2] && q[0] < r[2] && r[1] < q[3] && q[1] < r[3])) continue;
      placed.push(r);
      want.add(it);
    }
    for (const it of items) {
      const on = it.marker && group.hasLayer(it.marker);
      if (want.has(it) && !on) group.addLayer(marker(it));
      else if (!want.has(it) && on) group.removeLayer(it.marker);
    }
  }
  map.on('moveend', update);
  ctx.on('start', () => { update(); return false; });
  ctx.api.labelsShown = () => {   // names drawn inside the visible map
    const b = map.getBounds();
    return items.filter(it => it.marker && group.hasLayer(it.marker) && b.contains([it.lat, it.lon])).map(it => it.name);
  };
}

export const feature = {name: 'labels', install};

/* Place names on the offline base map, by zoom: countries and oblast centres from the first
 * view, larger towns from zoom 7, towns from zoom 9 (tiers and zooms come with the data). */
import { el, readJSON } from './dom.mjs';

function install(ctx) {
  const data = readJSON('fl-labels'), map = ctx.map;
  if (!data || !data.labels || !data.labels.length) return;
  const minZoom = data.min_zoom || [0, 7, 9];
  map.createPane('fl-labels').style.zIndex = 420;       // above the canvas; pointer-events: none (CSS)
  const tiers = minZoom.map(() => L.layerGroup());
  data.labels.forEach(([name, lat, lon, tier, kind]) => {
    const span = el('span', 'fl-label fl-label-' + (kind || 'town'), name);
    const icon = L.divIcon({html: span, className: 'fl-label-icon', iconSize: null});
    L.marker([lat, lon], {icon, pane: 'fl-labels', interactive: false, keyboard: false}).addTo(tiers[tier] || tiers[0]);
  });
  function update() {
    const z = map.getZoom();
    tiers.forEach((g, t) => {
      const want = z >= minZoom[t];
      if (want && !map.hasLayer(g)) g.addTo(map);
      else if (!want && map.hasLayer(g)) map.removeLayer(g);
    });
  }
  map.on('zoomend', update);
  ctx.on('start', () => { update(); return false; });
  ctx.api.labelsShown = () => [...document.querySelectorAll('.fl-label')].map(e => e.textContent);
}

export const feature = {name: 'labels', install};

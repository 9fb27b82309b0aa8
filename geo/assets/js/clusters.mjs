/* Marker clustering (Leaflet.markercluster). Clusters go on to the last zoom, so points stacked
 * on one spot always end as a cluster that fans out (spiderfies) when clicked. */
import { el } from './dom.mjs';
import { layerToggle } from './layers.mjs';
import { styleFor } from './points.mjs';

const CLUSTER_MAX = 20000;   // above this, clustering falls back to dots (20k ≈ 1.4 s, 50k ≈ 3.5 s)

/** markercluster's chunked loading goes on in timers after the layer has left the map, and then needs
 * that map (a page error "reading 'getMinZoom'" when another toggle redraws mid-load): make what is
 * left of a removed layer's work a no-op. */
function retire(layer) {
  layer.hasLayer = () => true;                       // the pending chunks skip every marker
  if (layer._topClusterLevel) layer._topClusterLevel._recursivelyAddChildrenToMap = () => {};
}

function install(ctx) {
  const map = ctx.map;
  let layer = null;
  layerToggle(ctx, 'cluster', 'cluster', false);
  const note = ctx.section(el('div', 'fl-note fl-cluster-note'));
  ctx.useCluster = () => !!(ctx.S.cluster && L.markerClusterGroup && ctx.sel.length <= CLUSTER_MAX);
  ctx.on('redraw', () => {
    if (layer) { map.removeLayer(layer); retire(layer); layer = null; }
    note.textContent = ctx.S.cluster && !ctx.useCluster() ? 'too many to cluster: dots' : '';
    if (!ctx.useCluster()) return;
    layer = L.markerClusterGroup({chunkedLoading: true, maxClusterRadius: 40, zoomToBoundsOnClick: false,
      showCoverageOnHover: false, spiderfyOnMaxZoom: true});
    layer.on('click', e => {
      const m = e.layer;
      if (m && m._fl !== undefined && !m._flBound) { ctx.bound(m).closeTooltip(); m.openPopup(); }
    });
    layer.on('clusterclick', e => {
      const b = e.layer.getBounds();
      if (map.getZoom() >= map.getMaxZoom() - 1 || b.getNorthEast().equals(b.getSouthWest(), 1e-4)) e.layer.spiderfy();
      else e.layer.zoomToBounds({padding: [20, 20]});
    });
    const all = ctx.S.day === null, ms = ctx.sel.map(i => {
      const m = ctx.marker(i);
      m.setStyle(styleFor(ctx, i, all || ctx.dayOf[i] === ctx.S.day));
      return m;
    });
    layer.addLayers(ms);
    map.addLayer(layer);
  });
  ctx.api.clusterLayer = () => layer;
}

export const feature = {name: 'clusters', install};

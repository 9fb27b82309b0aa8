/* Heatmap of the shown events (Leaflet.heat). */
import { layerToggle } from './layers.mjs';

function install(ctx) {
  let layer = null;
  layerToggle(ctx, 'heat', 'heatmap', false);
  ctx.on('redraw', () => {
    if (layer) { ctx.map.removeLayer(layer); layer = null; }
    if (ctx.S.heat && L.heatLayer) {
      layer = L.heatLayer(ctx.sel.map(i => [ctx.lat[i], ctx.lon[i], 0.5]), {radius: 18, blur: 15, maxZoom: 9})
        .addTo(ctx.map);
    }
  });
  ctx.api.heatLayer = () => layer;
}

export const feature = {name: 'heat', install};

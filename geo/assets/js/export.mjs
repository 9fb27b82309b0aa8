/* Download the shown events as CSV (formula-safe cells) or GeoJSON. */
import { el, button } from './dom.mjs';
import { csvText } from './util.mjs';

function install(ctx) {
  const cols = ctx.order.filter(c => c !== '_link'), C = ctx.C;
  const get = (c, i) => (C[c] ? C[c][i] : null);
  function download(text, name, mime) {
    const url = URL.createObjectURL(new Blob([text], {type: mime}));
    const a = el('a');
    a.href = url; a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(url); a.remove(); }, 1000);
  }
  const csv = () => csvText(cols, ctx.sel, get);
  const geojson = () => ({type: 'FeatureCollection', features: ctx.sel.map(i => {
    const props = {};
    cols.forEach(c => { props[c] = get(c, i); });
    return {type: 'Feature', geometry: {type: 'Point', coordinates: [ctx.lon[i], ctx.lat[i]]}, properties: props};
  })});
  const row = ctx.section(el('div', 'fl-row fl-export'));
  row.appendChild(el('span', 'fl-h', 'Download shown'));
  row.appendChild(button('CSV', 'Download shown events as CSV', () => download(csv(), 'events.csv', 'text/csv;charset=utf-8'), 'fl-export-csv'));
  row.appendChild(button('GeoJSON', 'Download shown events as GeoJSON',
    () => download(JSON.stringify(geojson()), 'events.geojson', 'application/geo+json'), 'fl-export-geojson'));
  if (ctx.cfg.dropped) ctx.section(el('div', 'fl-note', ctx.cfg.dropped + ' events without coordinates not drawn'));
  ctx.api.csvText = csv;
  ctx.api.geojson = geojson;
}

export const feature = {name: 'export', install};

/* Download the shown events as CSV (formula-safe cells) or GeoJSON. */
import { el, button } from './dom.mjs';
import { csvText } from './util.mjs';

function install(ctx) {
  const cols = ctx.order.filter(c => c !== '_link');
  const get = (c, i) => { const v = ctx.val(c, i); return v === undefined ? null : v; };
  // a map folder: every column of the shown events must be loaded first (loadAll / the buttons do it)
  const need = () => { if (!ctx.chunks.allLoaded()) throw new Error('event data not loaded yet: await frontline.loadAll() first'); };
  function download(text, name, mime) {
    const url = URL.createObjectURL(new Blob([text], {type: mime}));
    const a = el('a');
    a.href = url; a.download = name;
    document.body.appendChild(a);
    a.click();
    setTimeout(() => { URL.revokeObjectURL(url); a.remove(); }, 1000);
  }
  const csv = () => { need(); return csvText(cols, ctx.sel, get); };
  const geojson = () => (need(), {type: 'FeatureCollection', features: ctx.sel.map(i => {
    const props = {};
    cols.forEach(c => { props[c] = get(c, i); });
    return {type: 'Feature', geometry: {type: 'Point', coordinates: [ctx.lon[i], ctx.lat[i]]}, properties: props};
  })});
  const row = ctx.section(el('div', 'fl-row fl-export'));
  row.appendChild(el('span', 'fl-h', 'Download shown'));
  const note = el('span', 'fl-export-progress');
  const when = make => () => {     // load the chunks first (a map folder), with progress
    if (ctx.chunks.allLoaded()) { make(); return; }
    note.textContent = ' loading…';
    ctx.chunks.all((k, K) => { note.textContent = ' loading ' + k + '/' + K; })
      .then(() => { note.textContent = ''; make(); }, err => { note.textContent = ' ' + String(err && err.message); });
  };
  row.appendChild(button('CSV', 'Download shown events as CSV', when(() => download(csv(), 'events.csv', 'text/csv;charset=utf-8')), 'fl-export-csv'));
  row.appendChild(button('GeoJSON', 'Download shown events as GeoJSON',
    when(() => download(JSON.stringify(geojson()), 'events.geojson', 'application/geo+json')), 'fl-export-geojson'));
  row.appendChild(note);
  if (ctx.cfg.dropped) ctx.section(el('div', 'fl-note', ctx.cfg.dropped + ' events without coordinates not drawn'));
  ctx.api.csvText = csv;
  ctx.api.geojson = geojson;
}

export const feature = {name: 'export', install};

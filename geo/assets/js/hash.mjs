/* The view in the URL hash (date, window, filters, every layer toggle, zoom and centre), so a
 * link shows what its sender saw. A hash we cannot read (truncated, hostile) is no state. */
import { parseHash, formatHash, clamp } from './util.mjs';

function install(ctx) {
  const map = ctx.map;
  let writing = false;
  function write() {
    if (!ctx.ready) return;
    const out = {};
    ctx.hashFields.forEach(f => f.write(out));
    const c = map.getCenter();
    out.z = map.getZoom();
    out.c = c.lat.toFixed(4) + ',' + c.lng.toFixed(4);
    const h = formatHash(out);
    if (location.hash !== h) { writing = true; history.replaceState(null, '', h); writing = false; }
  }
  function read() {    // true when the hash set the map view
    const p = parseHash(location.hash);
    if (!p) return false;
    ctx.hashFields.forEach(f => f.read(p));
    if (p.z === undefined || !p.c || !/^\d{1,2}$/.test(p.z)) return false;
    const ll = p.c.split(',').map(Number), z = clamp(parseInt(p.z, 10), map.getMinZoom(), map.getMaxZoom());
    if (ll.length !== 2 || !ll.every(isFinite) || Math.abs(ll[0]) > 90 || Math.abs(ll[1]) > 180) return false;
    map.setView(ll, z, {animate: false});
    return true;
  }
  ctx.on('start', read);
  ctx.on('redraw', write);
  map.on('moveend', write);
  window.addEventListener('hashchange', () => { if (writing) return; ctx.stopPlay(); read(); ctx.redraw(); });
}

export const feature = {name: 'hash', install};

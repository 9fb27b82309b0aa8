/* Event points: one canvas circle marker per event (made on first show), popups and tooltips
 * bound on first use, and stacked points (same spot on screen) fanned out on click. */
import { el } from './dom.mjs';
import { str, URL_RE, popupFields, spiderOffsets } from './util.mjs';

const STACK_PX = 4;     // markers closer than this on screen are "stacked": a click fans them out

export function styleFor(ctx, i, isNew) {
  const col = ctx.cfg.types[ctx.typeOf[i]], p = ctx.precOf[i], faded = ctx.S.win > 0 && !isNew;
  if (p === 'settlement') {
    return {radius: 5, color: faded ? col : '#222', weight: faded ? 0.5 : 1, fillColor: col,
      fillOpacity: faded ? 0.3 : 0.9, opacity: faded ? 0.4 : 1, dashArray: null};
  }
  if (p === 'region') {
    return {radius: 16, color: col, weight: faded ? 1 : 2, dashArray: '5 4', fillColor: col,
      fillOpacity: faded ? 0.06 : 0.18, opacity: faded ? 0.4 : 0.9};
  }
  return {radius: 26, color: col, weight: faded ? 1 : 2.5, dashArray: '1 6', fillColor: col,
    fillOpacity: faded ? 0.02 : 0.06, opacity: faded ? 0.4 : 0.9, lineCap: 'round'};
}

function dateText(ctx, i) {
  const d = str(ctx.val('event_date', i)), pr = str(ctx.val('date_precision', i));
  return (d || 'undated') + (pr && pr !== 'day' ? ' (' + pr + ')' : '');
}

export function tooltipContent(ctx, i) {
  const box = el('div', 'fl-tip');
  box.appendChild(el('b', null, str(ctx.val('location_name', i)) || '(unnamed place)'));
  box.appendChild(el('div', null, dateText(ctx, i) + ' · ' + ctx.typeOf[i].replace(/_/g, ' ') + ' · ' + ctx.precOf[i]));
  return box;
}

export function popupContent(ctx, i) {
  const get = c => ctx.val(c, i), box = el('div', 'fl-popup'), tbl = el('table');
  box.appendChild(el('div', 'fl-popup-title', str(get('location_name')) || '(unnamed place)'));
  function row(t, label, value, node) {
    const tr = el('tr');
    tr.appendChild(el('th', null, label));
    const td = el('td', null, node ? undefined : value);
    if (node) td.appendChild(node);
    tr.appendChild(td);
    t.appendChild(tr);
  }
  row(tbl, 'Date', dateText(ctx, i));
  const f = popupFields(ctx.order, get);
  f.main.forEach(([label, v]) => row(tbl, label, v));
  if (ctx.order.indexOf('occupied') >= 0 || ctx.cfg.frontline) {
    const o = get('occupied');
    if (o === true || o === false) row(tbl, 'Occupied', o ? 'yes (inside the front line of its date)' : 'no');
    else if (ctx.cfg.frontline) {
      row(tbl, 'Occupied', 'not known: no front-line snapshot within ' + ctx.cfg.frontline.max_age +
        ' days before this date');
    }
  }
  const src = str(get('source'));
  if (src && get('_link') === '1' && URL_RE.test(src)) {
    const a = el('a', 'fl-source', src);
    a.href = src; a.target = '_blank'; a.rel = 'noopener noreferrer';
    row(tbl, 'Source', null, a);
  } else if (src) row(tbl, 'Source', src);
  const why = str(get('why'));
  if (why) row(tbl, 'Why', why);
  box.appendChild(tbl);
  const evd = str(get('evidence'));
  if (evd) box.appendChild(el('blockquote', 'fl-evidence', evd));
  if (f.more.length) {
    const det = el('details', 'fl-more'), t2 = el('table');
    det.appendChild(el('summary', null, 'more'));
    f.more.forEach(([label, v]) => row(t2, label, v));
    det.appendChild(t2);
    box.appendChild(det);
  }
  return box;
}

/** Fan-out of stacked points into *spider* (a layer group): feet on a circle or spiral, each with
 * its popup and tooltip. Shared by the marker and the canvas point layers. */
/** The popup of marker *m* (event *i*): its text at once when the event's chunk is loaded; else
 * "loading…" while the chunk loads (a map folder), then the text. */
export function lazyPopup(ctx, m, i) {
  const pop = m.getPopup(), pan = pop.options.flAutoPan ?? (pop.options.flAutoPan = pop.options.autoPan);
  pop.options.autoPan = pan;
  if (ctx.chunks.loaded(i)) return popupContent(ctx, i);
  // no auto-pan for "loading…": a pan moves the map, and every canvas is repainted and handed to the
  // compositor (tens of ms at a million events) before the chunk's text can be shown; the map pans
  // once, when the text is in (Leaflet's setContent → update → _adjustPan)
  pop.options.autoPan = false;
  const show = content => { if (m.isPopupOpen()) { pop.options.autoPan = pan; m.setPopupContent(content); } };
  ctx.chunks.ensure([i]).then(() => show(popupContent(ctx, i)),
    err => show(el('div', 'fl-popup-loading', String(err && err.message))));
  return el('div', 'fl-popup-loading', 'loading…');
}

/** Popups and tooltips are bound on first use: binding them for 100k markers costs more than drawing. */
export function bindOnce(ctx, m) {
  if (!m._flBound) {
    const i = m._fl;
    m.bindPopup(() => lazyPopup(ctx, m, i), {maxWidth: 380, autoPanPadding: [20, 20]});
    m.bindTooltip(() => tooltipContent(ctx, i), {sticky: false});
    m._flBound = true;
  }
  return m;
}

export function makeSpider(ctx, spider, renderer) {
  const map = ctx.map;
  renderer = renderer || ctx.renderer;
  function unspider() { spider.clearLayers(); ctx.spidered = null; }
  function spiderfy(list) {
    unspider();
    const c = map.latLngToLayerPoint([ctx.lat[list[0]], ctx.lon[list[0]]]);
    const offs = spiderOffsets(list.length);
    list.forEach((i, k) => {
      const ll = map.layerPointToLatLng(c.add(L.point(offs[k][0], offs[k][1])));
      L.polyline([[ctx.lat[i], ctx.lon[i]], ll], {color: '#333', weight: 1, opacity: 0.7, interactive: false,
        renderer}).addTo(spider);
      const st = L.extend(styleFor(ctx, i, true), {radius: 6, weight: 1.5, color: '#111', dashArray: null,
        fillOpacity: 0.95, renderer, bubblingMouseEvents: false});
      const fm = L.circleMarker(ll, st).addTo(spider);
      fm._fl = i;
      fm.bindPopup(() => lazyPopup(ctx, fm, i), {maxWidth: 380});
      fm.bindTooltip(() => tooltipContent(ctx, i));
    });
    ctx.spidered = list.slice();
    ctx.chunks.ensure(list).catch(() => {});      // their popups' text, before a foot is clicked
  }
  return {unspider, spiderfy};
}

function install(ctx) {
  const map = ctx.map, markers = new Array(ctx.n);
  const layer = L.featureGroup().addTo(map);
  const spider = L.layerGroup().addTo(map);
  ctx.pointLayer = layer;
  ctx.marker = i => {
    let m = markers[i];
    if (m) return m;
    m = L.circleMarker([ctx.lat[i], ctx.lon[i]], L.extend({renderer: ctx.renderer}, styleFor(ctx, i, true)));
    m._fl = i;
    markers[i] = m;
    return m;
  };
  ctx.bound = m => bindOnce(ctx, m);
  function stackAt(m) {   // the shown markers drawn on the same spot as m
    const p = map.latLngToLayerPoint(m.getLatLng()), out = [];
    for (const i of ctx.sel) {
      const q = map.latLngToLayerPoint([ctx.lat[i], ctx.lon[i]]);
      if (Math.abs(q.x - p.x) <= STACK_PX && Math.abs(q.y - p.y) <= STACK_PX) out.push(i);
    }
    return out;
  }
  const {unspider, spiderfy} = makeSpider(ctx, spider);
  ctx.spiderfy = spiderfy;
  layer.on('click', e => {
    const m = e.layer || e.propagatedFrom;
    if (!m || m._fl === undefined) return;
    const stack = stackAt(m);
    if (stack.length > 1) {
      if (m.closePopup) m.closePopup();
      spiderfy(stack);
      justFanned = true;                   // the same click reaches the map next: keep the fan
      setTimeout(() => { justFanned = false; }, 0);
      return;
    }
    if (!m._flBound) { ctx.bound(m).closeTooltip(); m.openPopup(); }
  });
  layer.on('mouseover', e => {
    const m = e.layer || e.propagatedFrom;
    if (m && m._fl !== undefined && !m._flBound) ctx.bound(m).openTooltip();
  });
  map.on('zoomstart', unspider);
  let justFanned = false;
  map.on('click', () => { if (!justFanned) unspider(); });
  ctx.on('redraw', () => {
    unspider();
    layer.clearLayers();        // before restyling, so restyled markers do not each request a repaint
    if (ctx.useCluster && ctx.useCluster()) return;  // the cluster layer draws them
    const all = ctx.S.day === null;
    for (const i of ctx.sel) {
      const m = ctx.marker(i);
      m.setStyle(styleFor(ctx, i, all || ctx.dayOf[i] === ctx.S.day));
      layer.addLayer(m);
    }
  });
  ctx.api.markerOf = id => {   // by event_id, or by row number when the table has no ids
    const k = ctx.indexOfId(id);
    return k >= 0 ? ctx.bound(ctx.marker(k)) : null;
  };
  ctx.api.openPopup = id => { const m = ctx.api.markerOf(id); if (m) m.openPopup(); return m; };
  ctx.api.spiderMarkers = () => spider.getLayers().filter(l => l._fl !== undefined);
  ctx.api.spidered = () => (ctx.spidered ? ctx.spidered.map(ctx.idOf) : null);
  ctx.api.drawnCount = () => {   // markers actually on the map (independent of our bookkeeping)
    let c = 0;
    map.eachLayer(l => { if (l instanceof L.CircleMarker && l._fl !== undefined && !spider.hasLayer(l)) c++; });
    return c;
  };
}

export const feature = {name: 'points', install};

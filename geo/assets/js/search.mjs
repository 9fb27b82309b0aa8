/* Search places and evidence text; a hit shows its event (date and filters set so it is shown). */
import { el } from './dom.mjs';
import { str } from './util.mjs';

const MAX_HITS = 50;

function install(ctx) {
  const ui = ctx.ui, C = ctx.C, S = ctx.S, map = ctx.map;
  ui.search = el('input', 'fl-search');
  ui.search.type = 'search';
  ui.search.placeholder = 'Search place or evidence…';
  ui.search.setAttribute('aria-label', 'Search place or evidence');
  ui.results = el('ul', 'fl-results');
  let tmr = null, lowPlace = null, lowEv = null;
  ui.search.addEventListener('input', () => { clearTimeout(tmr); tmr = setTimeout(run, 120); });
  ctx.ui.body.insertBefore(ui.results, ctx.ui.body.firstChild);
  ctx.ui.body.insertBefore(ui.search, ui.results);

  function run() {
    const q = ui.search.value.trim().toLowerCase();
    while (ui.results.firstChild) ui.results.removeChild(ui.results.firstChild);
    if (q.length < 2) return;
    if (!lowPlace) {
      lowPlace = C.location_name.map(s => str(s).toLowerCase());
      lowEv = C.evidence.map(s => str(s).toLowerCase());
    }
    let hits = 0, total = 0;
    for (let i = 0; i < ctx.n; i++) {
      if (!((lowPlace[i] && lowPlace[i].indexOf(q) >= 0) || (lowEv[i] && lowEv[i].indexOf(q) >= 0))) continue;
      total++;
      if (hits >= MAX_HITS) continue;
      hits++;
      const li = el('li', 'fl-hit');
      li.appendChild(el('b', null, str(C.location_name[i]) || '(unnamed)'));
      li.appendChild(document.createTextNode(' ' + (str(C.event_date[i]) || 'undated') + ' · ' + ctx.typeOf[i]));
      const evs = str(C.evidence[i]);
      if (evs) li.appendChild(el('div', 'fl-hit-ev', evs.length > 90 ? evs.slice(0, 90) + '…' : evs));
      li.addEventListener('click', () => goTo(i));
      ui.results.appendChild(li);
    }
    ui.results.appendChild(el('li', 'fl-hit-count', total + ' match' + (total === 1 ? '' : 'es')));
  }
  function goTo(i) {
    if (!ctx.shownSet[i]) {
      S.types[ctx.typeOf[i]] = true; S.actors[ctx.actorOf[i]] = true; S.precs[ctx.precOf[i]] = true;
      if (S.day !== null) { S.day = ctx.dayOf[i] >= 0 ? ctx.dayOf[i] : null; S.win = 0; }
      ctx.redraw();
    }
    const m = ctx.bound(ctx.marker(i)), cl = ctx.api.clusterLayer && ctx.api.clusterLayer();
    map.once('moveend', () => {
      if (cl) cl.zoomToShowLayer(m, () => m.openPopup());
      else m.openPopup();
    });
    map.flyTo(m.getLatLng(), Math.max(map.getZoom(), 9), {duration: 0.6});
  }
  ctx.api.search = q => { ui.search.value = q; run(); return ui.results.children.length; };
}

export const feature = {name: 'search', install};

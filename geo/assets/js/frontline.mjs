/* The front line (occupied area) honest about time: a date shows the latest snapshot on or before
 * it only if that snapshot is at most max_age days older; "all dates" draws none unless asked.
 * The page always says which snapshot is drawn, or why none is. */
import { el, readJSON } from './dom.mjs';
import { dayNum, iso, unpackGeometry, pickSnapshot } from './util.mjs';
import { layerToggle, legendLine } from './layers.mjs';

function install(ctx) {
  const front = readJSON('fl-frontline'), map = ctx.map;
  if (!front || !front.dates || !front.dates.length) return;
  const snapDays = front.dates.map(dayNum), maxAge = front.max_age === undefined ? 31 : front.max_age;
  const layers = [];
  let shown = -1;
  map.createPane('fl-front').style.zIndex = 450;
  const renderer = L.svg({pane: 'fl-front'});
  ctx.section(legendLine('fl-key-front', 'occupied area on the date (front line)'));
  layerToggle(ctx, 'frontall', 'latest front line under "all dates"', false);
  const note = el('div', 'fl-front-note');
  (ctx.ui.timeInfo || ctx.ui.body).appendChild(note);

  function target() {   // snapshot index for the state, and the sentence that says so
    const last = snapDays.length - 1;
    if (ctx.S.day === null) {
      if (ctx.S.frontall) return [last, 'front line of ' + front.dates[last] + ' (latest snapshot)'];
      return [-1, 'All dates: no single-date front line drawn'];
    }
    const day = ctx.S.day + ctx.minD, k = pickSnapshot(snapDays, day, maxAge);
    if (k >= 0) return [k, 'front line of ' + front.dates[k]];
    let before = -1;
    for (let j = 0; j < snapDays.length; j++) if (snapDays[j] !== null && snapDays[j] <= day) before = j;
    const why = before < 0 ? 'the first snapshot is ' + front.dates[0]
      : 'the latest before is ' + front.dates[before] + ', ' + (day - snapDays[before]) + ' days older (limit ' + maxAge + ')';
    return [-1, 'no front line covers ' + iso(day) + ': ' + why];
  }
  ctx.on('redraw', () => {
    const [k, text] = target();
    note.textContent = text;
    note.classList.toggle('fl-front-none', k < 0);
    if (k === shown) return;
    if (shown >= 0) map.removeLayer(layers[shown]);
    shown = k;
    if (k < 0) return;
    if (!layers[k]) {
      layers[k] = L.geoJSON(unpackGeometry(front.geometries[k], front.scale), {renderer, pane: 'fl-front',
        interactive: false, style: {color: '#8b0000', weight: 2.5, fillColor: '#c0392b', fillOpacity: 0.18}});
    }
    layers[k].addTo(map);
  });
  ctx.api.frontlineDate = () => (shown >= 0 ? front.dates[shown] : null);
  ctx.api.frontlineNote = () => note.textContent;
}

export const feature = {name: 'frontline', install};

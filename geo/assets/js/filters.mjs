/* Filters in the panel: event types (the legend, with counts), actor, geocoding precision. */
import { el, checkbox } from './dom.mjs';
import { listFrom } from './util.mjs';
import { ACTORS, PRECS } from './viewer.mjs';

function install(ctx) {
  const S = ctx.S, ui = ctx.ui, cfg = ctx.cfg;
  ctx.section(el('div', 'fl-h', 'Event types'));
  const legend = ctx.section(el('div', 'fl-legend'));
  ui.typeBoxes = {};
  ctx.types.forEach(t => {
    const lab = checkbox('', true, on => { S.types[t] = on; ctx.redraw(); }, 'fl-type');
    const sw = el('span', 'fl-swatch');
    sw.style.background = cfg.types[t];
    lab.insertBefore(sw, lab.childNodes[1]);
    lab.appendChild(el('span', 'fl-tname', t.replace(/_/g, ' ')));
    lab._cnt = lab.appendChild(el('span', 'fl-tcount'));
    lab.setAttribute('data-type', t);
    ui.typeBoxes[t] = lab;
    legend.appendChild(lab);
  });
  ctx.section(el('div', 'fl-h', 'Actor'));
  const ar = ctx.section(el('div', 'fl-row'));
  ui.actorBoxes = {};
  ACTORS.forEach(a => {
    const lab = checkbox(a || 'unknown', true, on => { S.actors[a] = on; ctx.redraw(); }, 'fl-actor');
    lab.setAttribute('data-actor', a || 'unknown');
    ui.actorBoxes[a] = ar.appendChild(lab);
  });
  ctx.section(el('div', 'fl-h', 'Geocoding precision'));
  const pr = ctx.section(el('div', 'fl-row fl-precs'));
  ui.precBoxes = {};
  PRECS.forEach(p => {
    const lab = checkbox(p, true, on => { S.precs[p] = on; ctx.redraw(); }, 'fl-prec');
    lab.insertBefore(el('span', 'fl-precicon fl-precicon-' + p), lab.childNodes[1]);
    lab.setAttribute('data-prec', p);
    ui.precBoxes[p] = pr.appendChild(lab);
  });
  ctx.on('ui', () => {
    const per = new Int32Array(Math.max(1, ctx.types.length)), tc = ctx.typeCode, sel = ctx.sel;
    for (let k = 0; k < sel.length; k++) per[tc[sel[k]]]++;
    ctx.types.forEach((t, k) => { ui.typeBoxes[t]._cb.checked = !!S.types[t]; ui.typeBoxes[t]._cnt.textContent = per[k]; });
    ACTORS.forEach(a => { ui.actorBoxes[a]._cb.checked = !!S.actors[a]; });
    PRECS.forEach(p => { ui.precBoxes[p]._cb.checked = !!S.precs[p]; });
  });
  const unknown = a => a || 'unknown';
  ctx.hashFields.push({
    write(out) {
      const on = (o, keys, f) => keys.filter(k => o[k]).map(f || String);
      if (!ctx.types.every(t => S.types[t])) out.types = on(S.types, ctx.types).join(',');
      if (!ACTORS.every(a => S.actors[a])) out.actors = on(S.actors, ACTORS, unknown).join(',');
      if (!PRECS.every(p => S.precs[p])) out.prec = on(S.precs, PRECS).join(',');
    },
    read(p) {
      const t = listFrom(p.types, ctx.types), a = listFrom(p.actors, ACTORS.map(unknown)), q = listFrom(p.prec, PRECS);
      ctx.types.forEach(k => { S.types[k] = t.indexOf(k) >= 0; });
      ACTORS.forEach(k => { S.actors[k] = a.indexOf(unknown(k)) >= 0; });
      PRECS.forEach(k => { S.precs[k] = q.indexOf(k) >= 0; });
    },
  });
}

export const feature = {name: 'filters', install};

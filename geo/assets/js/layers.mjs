/* Layer toggles (cluster, heatmap, regions...) share one panel row and the URL hash. */
import { el, checkbox } from './dom.mjs';

/** Add a checkbox for state key *key* to the "Layers" row; it is kept in the hash as key=0/1. */
export function layerToggle(ctx, key, label, initial) {
  const S = ctx.S;
  if (!ctx.ui.layerRow) {
    ctx.section(el('div', 'fl-h', 'Layers'));
    ctx.ui.layerRow = ctx.section(el('div', 'fl-row fl-layers'));
  }
  S[key] = initial;
  const box = checkbox(label, initial, on => { S[key] = on; ctx.redraw(); }, 'fl-' + key);
  ctx.ui.layerRow.appendChild(box);
  ctx.on('ui', () => { box._cb.checked = !!S[key]; });
  ctx.hashFields.push({
    write(out) { if (S[key] !== initial) out[key] = S[key] ? 1 : 0; },
    read(p) { S[key] = p[key] === undefined ? initial : p[key] === '1'; },
  });
  return box;
}

export function legendLine(cls, text) {
  const d = el('div', 'fl-key');
  d.appendChild(el('span', 'fl-keyicon ' + cls));
  d.appendChild(document.createTextNode(' ' + text));
  return d;
}

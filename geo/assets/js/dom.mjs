/* DOM helpers. Security rule of the whole viewer: data reaches the DOM only as text
 * (textContent / createTextNode / attribute values we validate), never as parsed markup. */

export function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

/** Clicks and wheel on a control must not pan or zoom the map under it. */
export function stop(e) {
  L.DomEvent.disableClickPropagation(e);
  L.DomEvent.disableScrollPropagation(e);
  return e;
}

export function button(text, title, fn, cls) {
  const b = el('button', cls, text);
  b.type = 'button';
  b.title = title;
  b.setAttribute('aria-label', title);
  b.addEventListener('click', fn);
  return b;
}

export function checkbox(label, checked, fn, cls) {
  const lab = el('label', cls), cb = el('input');
  cb.type = 'checkbox';
  cb.checked = checked;
  cb.addEventListener('change', () => fn(cb.checked));
  lab.appendChild(cb);
  lab.appendChild(document.createTextNode(' ' + label));
  lab._cb = cb;
  return lab;
}

/** A data blob: an inline JSON block of the page, or (a map folder) what its data script set. */
export function readJSON(id) {
  const e = document.getElementById(id);
  if (e) return JSON.parse(e.textContent);
  const ext = window.__flData && window.__flData[id];
  return ext === undefined ? null : ext;
}

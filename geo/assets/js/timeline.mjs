/* Time: the date shown, step/play (through the dates that have events, the default for sparse
 * data), a window of the last N days, and a strip of events per day that zooms (wheel, + / −)
 * and brushes a range (drag). Every bar of the strip is at least MIN_BAR_PX wide: when days are
 * narrower, a bar covers several days and a click picks the latest date with events in it. */
import { el, button, checkbox, stop } from './dom.mjs';
import { clamp, stepDay, timelineBars, zoomRange } from './util.mjs';
import { ACTORS, PRECS } from './viewer.mjs';

const MIN_BAR_PX = 8, DRAG_PX = 5, STRIP_H = 34;

function install(ctx) {
  const S = ctx.S, ui = ctx.ui, days = ctx.days, nDays = days.length, map = ctx.map;
  const sparse = ctx.evDays.length < 0.6 * nDays;
  S.evstep = sparse;
  let view = [0, Math.max(0, nDays - 1)], playTimer = null, bars = [], counts = null, countsKey = '';

  const bar = stop(el('div', 'fl-timebar'));
  ui.timebar = bar;
  ui.timeInfo = el('div', 'fl-timeinfo');
  ui.date = ui.timeInfo.appendChild(el('div', 'fl-date'));
  bar.appendChild(ui.timeInfo);
  const row = el('div', 'fl-row fl-timectl');
  ui.play = button('▶ Play', 'Play / pause', () => togglePlay(), 'fl-play');
  ui.speed = el('select', 'fl-speed');
  ui.speed.title = 'Play speed';
  [0.5, 1, 2, 4, 8].forEach(s => {
    const o = el('option', null, s + '×'); o.value = s; if (s === 1) o.selected = true; ui.speed.appendChild(o);
  });
  ui.speed.addEventListener('change', () => { S.speed = +ui.speed.value; if (playTimer) { togglePlay(); togglePlay(); } });
  ui.prev = button('‹', 'Previous date', () => { ctx.stopPlay(); step(-1); }, 'fl-prev');
  ui.next = button('›', 'Next date', () => { ctx.stopPlay(); step(1); }, 'fl-next');
  ui.slider = el('input', 'fl-slider');
  ui.slider.type = 'range'; ui.slider.min = 0; ui.slider.max = Math.max(0, nDays - 1); ui.slider.step = 1;
  ui.slider.title = 'Date';
  ui.slider.addEventListener('input', () => { ctx.stopPlay(); S.day = +ui.slider.value; ctx.redraw(); });
  ui.all = checkbox('all dates', S.day === null, on => {
    ctx.stopPlay(); S.day = on ? null : lastDay(); S.win = on ? 0 : S.win; ctx.redraw();
  }, 'fl-all');
  ui.evstep = checkbox('dates with events', S.evstep, on => { S.evstep = on; ctx.redraw(); }, 'fl-evstep');
  ui.winBox = checkbox('last', false, on => {
    S.win = on ? Math.max(1, +ui.winN.value || 7) : 0;
    if (on && S.day === null) S.day = lastDay();
    ctx.redraw();
  }, 'fl-window');
  ui.winN = el('input', 'fl-winn');
  ui.winN.type = 'number'; ui.winN.min = 1; ui.winN.value = 7; ui.winN.title = 'Window length in days';
  ui.winN.addEventListener('change', () => { if (S.win) { S.win = Math.max(1, +ui.winN.value || 1); ctx.redraw(); } });
  const win = el('span', 'fl-win');
  [ui.winBox, ui.winN, el('span', null, 'days')].forEach(x => win.appendChild(x));
  [ui.play, ui.speed, ui.prev, ui.slider, ui.next, ui.all, ui.evstep, win].forEach(x => row.appendChild(x));
  bar.appendChild(row);

  const stripRow = el('div', 'fl-striprow');
  ui.strip = el('canvas', 'fl-strip');
  ui.strip.height = STRIP_H;
  ui.strip.title = 'Events per day by type: click a bar to show its date, drag to choose a range, wheel or +/− to zoom';
  stripRow.appendChild(ui.strip);
  const zoomBox = el('div', 'fl-stripzoom');
  ui.zoomIn = zoomBox.appendChild(button('+', 'Zoom the timeline in', () => zoomBy(0.5), 'fl-tzoom-in'));
  ui.zoomOut = zoomBox.appendChild(button('−', 'Zoom the timeline out', () => zoomBy(2), 'fl-tzoom-out'));
  ui.zoomAll = zoomBox.appendChild(button('⟷', 'Whole timeline', () => { view = [0, nDays - 1]; drawStrip(); }, 'fl-tzoom-all'));
  stripRow.appendChild(zoomBox);
  bar.appendChild(stripRow);
  const axis = el('div', 'fl-axis');
  ui.axis0 = axis.appendChild(el('span', 'fl-axis0'));
  ui.axis1 = axis.appendChild(el('span', 'fl-axis1'));
  bar.appendChild(axis);
  if (!nDays) [ui.slider, ui.prev, ui.next, ui.play, ui.zoomIn, ui.zoomOut, ui.zoomAll].forEach(b => { b.disabled = true; });
  map.getContainer().appendChild(bar);

  function lastDay() { return ctx.evDays.length ? ctx.evDays[ctx.evDays.length - 1] : Math.max(0, nDays - 1); }
  function steps() {
    if (!S.evstep) return null;
    ctx.refreshPass();
    return ctx.evDays.filter(d => ctx.byDay[d].some(i => ctx.pass(i)));
  }
  function step(delta) {
    if (!nDays) return;
    const st = steps();
    if (st && st.length) S.day = stepDay(st, S.day, delta);
    else S.day = S.day === null ? (delta > 0 ? 0 : nDays - 1) : clamp(S.day + delta, 0, nDays - 1);
    ctx.redraw();
  }
  ctx.stopPlay = () => { if (playTimer) { clearInterval(playTimer); playTimer = null; } };
  function atEnd() { const st = steps(); return S.day !== null && (st && st.length ? S.day >= st[st.length - 1] : S.day >= nDays - 1); }
  function togglePlay() {
    if (playTimer) { ctx.stopPlay(); ctx.redraw(); return; }
    if (!nDays) return;
    if (S.day === null || atEnd()) S.day = null;   // start from the first date
    playTimer = setInterval(() => { if (atEnd()) { ctx.stopPlay(); ctx.redraw(); return; } step(1); }, 800 / S.speed);
    step(1);
  }
  function zoomBy(f, at) {
    if (!nDays) return;
    const centre = at !== undefined ? at : S.day !== null ? S.day : Math.round((view[0] + view[1]) / 2);
    view = zoomRange(view[0], view[1], centre, f, nDays);
    drawStrip();
  }
  function keepInView() {   // the strip follows the date when zoomed in
    if (S.day === null || (S.day >= view[0] && S.day <= view[1])) return;
    const span = view[1] - view[0];
    view[0] = clamp(S.day - Math.round(span / 2), 0, Math.max(0, nDays - 1 - span));
    view[1] = view[0] + span;
  }

  // ---- strip: pointer → bar, click / drag / wheel ----------------------------------------------
  function barAt(x) { for (const b of bars) if (x >= b.x && x < b.x + b.w) return b; return bars[bars.length - 1]; }
  function pickIn(b) {    // the latest date with shown events in the bar; else its last day
    ctx.refreshPass();
    for (let d = b.d1; d >= b.d0; d--) if (ctx.byDay[d].some(i => ctx.pass(i))) return d;
    return b.d1;
  }
  let down = null;
  function localX(e) { return e.clientX - ui.strip.getBoundingClientRect().left; }
  ui.strip.addEventListener('pointerdown', e => {
    if (!nDays) return;
    down = {x: localX(e), moved: false};
    if (ui.strip.setPointerCapture) ui.strip.setPointerCapture(e.pointerId);
  });
  ui.strip.addEventListener('pointermove', e => {
    if (!down) return;
    const x = localX(e);
    if (Math.abs(x - down.x) > DRAG_PX) { down.moved = true; down.x1 = x; drawStrip(); }
  });
  ui.strip.addEventListener('pointerup', e => {
    if (!down) return;
    const x = localX(e), d = down;
    down = null;
    ctx.stopPlay();
    if (d.moved) {
      const a = barAt(Math.min(d.x, x)), b = barAt(Math.max(d.x, x));
      S.day = b.d1; S.win = b.d1 - a.d0 + 1;
    } else {
      S.day = pickIn(barAt(x));
      S.win = 0;
    }
    ctx.redraw();
  });
  ui.strip.addEventListener('wheel', e => {
    e.preventDefault();
    const b = barAt(localX(e));
    zoomBy(e.deltaY < 0 ? 0.6 : 1 / 0.6, b ? Math.round((b.d0 + b.d1) / 2) : undefined);
  }, {passive: false});

  // events per day × type × actor × precision, counted once: a filter change sums these cells
  // (~16 k at a year) instead of testing a million events
  let hist = null;
  function histogram() {
    if (hist) return hist;
    const nt = Math.max(1, ctx.types.length), na = ACTORS.length, np = PRECS.length;
    const dayOf = ctx.dayOf, tc = ctx.typeCode, ac = ctx.actorCode, pc = ctx.precCode, n = ctx.n;
    hist = new Int32Array(Math.max(1, nDays) * nt * na * np);
    for (let i = 0; i < n; i++) {
      const d = dayOf[i];
      if (d >= 0) hist[((d * nt + tc[i]) * na + ac[i]) * np + pc[i]]++;
    }
    return hist;
  }

  function drawStrip() {
    const cv = ui.strip, w = cv.clientWidth || 600, h = cv.height;
    if (cv.width !== w) cv.width = w;
    const ctx2 = cv.getContext('2d');
    ctx2.clearRect(0, 0, w, h);
    bars = nDays ? timelineBars(view[0], view[1], w, MIN_BAR_PX) : [];
    ui.axis0.textContent = nDays ? days[view[0]] : '';
    ui.axis1.textContent = nDays ? days[view[1]] : '';
    if (!nDays) return;
    const key = JSON.stringify([S.types, S.actors, S.precs]);
    if (key !== countsKey) {        // per day and type, by code: one pass over the events
      countsKey = key;
      const nt = Math.max(1, ctx.types.length), flat = new Int32Array(nDays * nt), H = histogram(), na = ACTORS.length;
      const np = PRECS.length, tOn = ctx.types.length ? ctx.types.map(t => !!S.types[t]) : [true];
      const aOn = ACTORS.map(a => !!S.actors[a]), pOn = PRECS.map(q => !!S.precs[q]);
      for (let d = 0; d < nDays; d++) {
        for (let t = 0; t < nt; t++) {
          if (!tOn[t]) continue;
          let c = 0;
          const o = ((d * nt + t) * na) * np;
          for (let a = 0; a < na; a++) if (aOn[a]) for (let q = 0; q < np; q++) if (pOn[q]) c += H[o + a * np + q];
          flat[d * nt + t] = c;
        }
      }
      counts = days.map((_, d) => {
        let c = null;
        ctx.types.forEach((t, k) => { if (flat[d * nt + k]) (c || (c = {}))[t] = flat[d * nt + k]; });
        return c;
      });
    }
    const sums = bars.map(b => {
      const s = {}; let tot = 0;
      for (let d = b.d0; d <= b.d1; d++) if (counts[d]) for (const t in counts[d]) { s[t] = (s[t] || 0) + counts[d][t]; tot += counts[d][t]; }
      b.count = tot;
      return s;
    });
    const max = Math.max(1, ...bars.map(b => b.count));
    const r = ctx.range(), pxDay = w / (view[1] - view[0] + 1);
    if (r) {
      ctx2.fillStyle = 'rgba(255,200,0,0.45)';
      ctx2.fillRect((r[0] - view[0]) * pxDay, 0, Math.max(3, (r[1] - r[0] + 1) * pxDay), h);
    }
    bars.forEach((b, k) => {
      let y = h;
      const gap = b.w > 4 ? 1 : 0;
      ctx.types.forEach(t => {
        if (!sums[k][t]) return;
        const bh = Math.max(2, sums[k][t] / max * (h - 3));
        ctx2.fillStyle = ctx.cfg.types[t];
        ctx2.fillRect(b.x, y - bh, b.w - gap, bh);
        y -= bh;
      });
    });
    if (down && down.moved) {
      ctx2.fillStyle = 'rgba(0,90,200,0.25)';
      ctx2.fillRect(Math.min(down.x, down.x1), 0, Math.abs(down.x1 - down.x), h);
    }
  }

  ctx.on('ui', () => {
    const r = ctx.range();
    ui.date.textContent = !r ? 'All dates' : r[0] === r[1] ? days[r[1]] : days[r[0]] + ' – ' + days[r[1]];
    ui.slider.value = S.day === null ? ui.slider.max : S.day;
    ui.all._cb.checked = S.day === null;
    ui.winBox._cb.checked = S.win > 0;
    ui.evstep._cb.checked = !!S.evstep;
    if (S.win > 0) ui.winN.value = S.win;
    ui.play.textContent = playTimer ? '⏸ Pause' : '▶ Play';
    keepInView();
    drawStrip();
  });
  ctx.hashFields.push({
    write(out) {
      out.date = S.day === null ? 'all' : days[S.day];
      if (S.win) out.win = S.win;
      if (S.evstep !== sparse) out.step = S.evstep ? 'events' : 'days';
    },
    read(p) {
      if (p.date !== undefined) {
        const k = days.indexOf(p.date);
        if (p.date === 'all' || !nDays) S.day = null; else if (k >= 0) S.day = k;
      }
      if (p.win !== undefined) { const w = parseInt(p.win, 10); S.win = /^\d{1,6}$/.test(p.win) && S.day !== null ? clamp(w, 0, nDays) : 0; }
      else if (p.date !== undefined) S.win = 0;      // a written hash always has the date; no win = one day
      if (p.step === 'events' || p.step === 'days') S.evstep = p.step === 'events';
    },
  });
  ctx.api.setDate = d => {
    ctx.stopPlay();
    if (d === null || d === undefined) S.day = null;
    else { const k = days.indexOf(d); if (k < 0) throw new Error('no such date: ' + d); S.day = k; }
    ctx.redraw();
  };
  ctx.api.getDate = () => (S.day === null ? null : days[S.day]);
  ctx.api.setWindow = k => { S.win = Math.max(0, k | 0); if (S.win && S.day === null) S.day = lastDay(); ctx.redraw(); };
  ctx.api.setStepMode = on => { S.evstep = !!on; ctx.redraw(); };
  ctx.api.step = delta => step(delta);
  ctx.api.play = togglePlay;
  ctx.api.zoomTimeline = (f, at) => zoomBy(f, at === undefined ? undefined : days.indexOf(at));
  ctx.api.timelineView = () => [days[view[0]], days[view[1]]];
  ctx.api.timelineBars = () => {   // bars in page pixels, for tests and scripts
    const rr = ui.strip.getBoundingClientRect();
    return bars.map(b => ({x: rr.left + b.x, w: b.w, y: rr.top + rr.height / 2, from: days[b.d0], to: days[b.d1], count: b.count}));
  };
}

export const feature = {name: 'timeline', install};

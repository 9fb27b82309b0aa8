/* frontline-map viewer: reads the JSON blobs written by geo/render.py and draws them.
 * Security rule: data reaches the DOM only through textContent / createElement (never as parsed markup),
 * and only http(s) sources become links. */
(function () {
  'use strict';
  var DAY = 864e5, ISO_RE = /^(\d{4})-(\d{2})-(\d{2})/, URL_RE = /^https?:\/\/[^\s\/?#]/i;
  var PRECS = ['settlement', 'region', 'country'];
  var ACTORS = ['UA', 'RU', ''];
  var CLUSTER_MAX = 20000;     // above this, clustering falls back to canvas dots (20k ≈ 1.4 s, 50k ≈ 3.5 s)
  var FIELDS = [               // popup rows: [label, column]
    ['Type', 'event_type'], ['Original type', 'event_type_original'], ['Weapon', 'weapon'],
    ['Actor', 'actor'], ['Status', 'status'], ['Place', 'location_name'], ['Region', 'admin1'],
    ['Country', 'country'], ['Geocoding precision', 'geo_precision'], ['Occupied', 'occupied'],
    ['Confidence', 'confidence']];
  var SHOWN_ELSEWHERE = {event_date: 1, date_precision: 1, source: 1, evidence: 1, latitude: 1,
    longitude: 1, event_id: 1, _link: 1};

  function readJSON(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }
  function decode(col) {
    if (!col) return null;
    if (Array.isArray(col)) return col;
    var d = col.d, idx = col.i, out = new Array(idx.length);
    for (var k = 0; k < idx.length; k++) out[k] = d[idx[k]];
    return out;
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function dayNum(s) {
    var m = ISO_RE.exec(s || '');
    if (!m) return null;
    var t = Date.UTC(+m[1], +m[2] - 1, +m[3]);
    return isNaN(t) ? null : Math.round(t / DAY);
  }
  function iso(d) { return new Date(d * DAY).toISOString().slice(0, 10); }
  function str(v) { return v === null || v === undefined ? '' : String(v); }

  // Inverse of render.py's _pack_geometry: integer deltas → GeoJSON MultiPolygon.
  function unpackGeometry(g, scale) {
    if (!g || !g.p) return g;
    return {type: 'MultiPolygon', coordinates: g.p.map(function (poly) {
      return poly.map(function (flat) {
        var x = 0, y = 0, ring = [];
        for (var i = 0; i + 1 < flat.length; i += 2) { x += flat[i]; y += flat[i + 1]; ring.push([x / scale, y / scale]); }
        return ring;
      });
    })};
  }

  function frontlineViewer(map) {
    var cfg = readJSON('fl-config') || {}, blob = readJSON('fl-events') || {n: 0, cols: {}, order: []};
    var basemap = readJSON('fl-basemap'), front = readJSON('fl-frontline');
    var n = blob.n, C = {};
    blob.order.concat(['_link']).forEach(function (c) { C[c] = decode(blob.cols[c]) || []; });
    ['event_date', 'date_precision', 'event_type', 'actor', 'geo_precision', 'location_name', 'evidence',
      'source', '_link'].forEach(function (c) { if (!C[c] || C[c].length !== n) C[c] = new Array(n).fill(''); });
    var lat = C.latitude, lon = C.longitude, types = Object.keys(cfg.types || {});
    var typeOf = new Array(n), actorOf = new Array(n), precOf = new Array(n), dayOf = new Int32Array(n);

    // ---- derived per-event keys and the day axis -------------------------------------------
    var minD = Infinity, maxD = -Infinity;
    for (var i = 0; i < n; i++) {
      var t = str(C.event_type && C.event_type[i]);
      typeOf[i] = cfg.types[t] ? t : 'other';
      var a = str(C.actor && C.actor[i]);
      actorOf[i] = a === 'UA' || a === 'RU' ? a : '';
      var p = str(C.geo_precision && C.geo_precision[i]);
      precOf[i] = PRECS.indexOf(p) >= 0 ? p : 'country';   // unknown precision: assume the coarsest
      var d = dayNum(C.event_date && C.event_date[i]);
      dayOf[i] = d === null ? -1 : d;
      if (d !== null) { if (d < minD) minD = d; if (d > maxD) maxD = d; }
    }
    var days = [], byDay = [];
    if (minD <= maxD) {
      if (maxD - minD > 40000) minD = maxD - 40000;    // absurd spans: keep the last ~110 years
      for (var dd = minD; dd <= maxD; dd++) { days.push(iso(dd)); byDay.push([]); }
      for (i = 0; i < n; i++) {
        if (dayOf[i] >= minD) { dayOf[i] -= minD; byDay[dayOf[i]].push(i); } else dayOf[i] = -1;
      }
    } else for (i = 0; i < n; i++) dayOf[i] = -1;

    // ---- state ------------------------------------------------------------------------------
    var S = {day: days.length ? days.length - 1 : null, win: 0, types: {}, actors: {}, precs: {},
      cluster: false, heat: false, choro: true, speed: 1};
    types.forEach(function (t) { S.types[t] = true; });
    ACTORS.forEach(function (a) { S.actors[a] = true; });
    PRECS.forEach(function (p) { S.precs[p] = true; });
    var sel = [], shownSet = new Uint8Array(n), playTimer = null;

    // ---- layers ---------------------------------------------------------------------------
    if (map.options.maxZoom === undefined) map.setMaxZoom(18);   // no tile layer sets one offline
    if (map.options.minZoom === undefined) map.setMinZoom(2);
    var renderer = L.canvas({padding: 0.3});
    map.createPane('fl-front').style.zIndex = 450;
    var frontRenderer = L.svg({pane: 'fl-front'});
    var evLayer = L.featureGroup().addTo(map), clusterLayer = null, heatLayer = null;
    var markers = new Array(n), baseLayer = null, regionIndex = {}, regionLayers = [];
    var frontLayers = [], frontShown = null, frontDays = [];

    function styleFor(i, isNew) {
      var col = cfg.types[typeOf[i]], p = precOf[i], faded = S.win > 0 && !isNew;
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
    function marker(i) {
      var m = markers[i];
      if (m) return m;
      m = L.circleMarker([lat[i], lon[i]], L.extend({renderer: renderer}, styleFor(i, true)));
      m._fl = i;
      markers[i] = m;
      return m;
    }
    // Popups and tooltips are bound on first use (delegated from the layer group): binding them
    // for 100k markers up front costs more than drawing them.
    function bound(m) {
      if (!m._flBound) {
        var i = m._fl;
        m.bindPopup(function () { return popupContent(i); }, {maxWidth: 380});
        m.bindTooltip(function () { return tooltipContent(i); }, {sticky: false});
        m._flBound = true;
      }
      return m;
    }
    function delegate(group) {
      group.on('click', function (e) {
        var m = e.layer || e.propagatedFrom;
        if (m && m._fl !== undefined && !m._flBound) { bound(m).closeTooltip(); m.openPopup(); }
      });
      group.on('mouseover', function (e) {
        var m = e.layer || e.propagatedFrom;
        if (m && m._fl !== undefined && !m._flBound) bound(m).openTooltip();
      });
    }
    delegate(evLayer);
    function dateText(i) {
      var d = str(C.event_date[i]), pr = str(C.date_precision && C.date_precision[i]);
      return (d || 'undated') + (pr ? ' (' + pr + ')' : '');
    }
    function tooltipContent(i) {
      var box = el('div', 'fl-tip');
      box.appendChild(el('b', null, str(C.location_name && C.location_name[i]) || '(unnamed place)'));
      box.appendChild(el('div', null, dateText(i) + ' · ' + typeOf[i].replace('_', ' ') +
        ' · ' + precOf[i]));
      return box;
    }
    function popupContent(i) {
      var box = el('div', 'fl-popup'), tbl = el('table');
      box.appendChild(el('div', 'fl-popup-title', str(C.location_name && C.location_name[i]) || '(unnamed place)'));
      function row(label, value, node) {
        var tr = el('tr'); tr.appendChild(el('th', null, label));
        var td = el('td', null, node ? undefined : value);
        if (node) td.appendChild(node);
        tr.appendChild(td); tbl.appendChild(tr);
      }
      row('Date', dateText(i));
      FIELDS.forEach(function (f) {
        var col = C[f[1]];
        if (!col || !(f[1] in C) || blob.order.indexOf(f[1]) < 0) return;
        var v = col[i];
        if (f[1] === 'occupied') v = v === true ? 'yes' : v === false ? 'no' : 'unknown';
        if (f[1] === 'geo_precision') v = precOf[i] + (str(v) && str(v) !== precOf[i] ? ' (' + v + ')' : '');
        row(f[0], str(v));
      });
      var src = str(C.source && C.source[i]);
      if (src && C._link[i] === '1' && URL_RE.test(src)) {
        var a = el('a', 'fl-source', src);
        a.href = src; a.target = '_blank'; a.rel = 'noopener noreferrer';
        row('Source', null, a);
      } else row('Source', src);
      blob.order.forEach(function (c) {   // extra columns the reader kept
        if (SHOWN_ELSEWHERE[c] || FIELDS.some(function (f) { return f[1] === c; })) return;
        if (C[c][i] === null || C[c][i] === '') return;
        row(c, str(C[c][i]));
      });
      box.appendChild(tbl);
      var ev = str(C.evidence && C.evidence[i]);
      if (ev) box.appendChild(el('blockquote', 'fl-evidence', ev));
      return box;
    }

    // ---- selection & drawing ----------------------------------------------------------------
    function pass(i) { return S.types[typeOf[i]] && S.actors[actorOf[i]] && S.precs[precOf[i]]; }
    function range() {    // [lo, hi] day indexes or null for all dates
      if (S.day === null) return null;
      return [S.win > 0 ? Math.max(0, S.day - S.win + 1) : S.day, S.day];
    }
    function selection() {
      var out = [], r = range();
      if (!r) { for (var i = 0; i < n; i++) if (pass(i)) out.push(i); return out; }
      for (var d = r[0]; d <= r[1]; d++) {
        var b = byDay[d];
        for (var k = 0; k < b.length; k++) if (pass(b[k])) out.push(b[k]);
      }
      return out;
    }
    function redraw() {
      sel = selection();
      shownSet.fill(0);
      evLayer.clearLayers();          // before restyling, so restyled markers do not each request a repaint
      var ms = new Array(sel.length);
      for (var k = 0; k < sel.length; k++) {
        var i = sel[k], m = marker(i);
        shownSet[i] = 1;
        m.setStyle(styleFor(i, S.day === null || dayOf[i] === S.day));
        ms[k] = m;
      }
      if (clusterLayer) { map.removeLayer(clusterLayer); clusterLayer = null; }
      var useCluster = S.cluster && sel.length <= CLUSTER_MAX;
      if (useCluster) {
        clusterLayer = L.markerClusterGroup({chunkedLoading: true, disableClusteringAtZoom: 10,
          zoomToBoundsOnClick: false, showCoverageOnHover: false, spiderfyOnMaxZoom: true});
        delegate(clusterLayer);
        clusterLayer.on('clusterclick', function (e) {
          var b = e.layer.getBounds();
          if (map.getZoom() >= 8 || b.getNorthEast().equals(b.getSouthWest(), 1e-4)) e.layer.spiderfy();
          else e.layer.zoomToBounds({padding: [20, 20]});
        });
        clusterLayer.addLayers(ms);
        map.addLayer(clusterLayer);
      } else {
        for (k = 0; k < ms.length; k++) evLayer.addLayer(ms[k]);
      }
      ui.clusterNote.textContent = S.cluster && !useCluster ? 'too many to cluster: dots' : '';
      if (heatLayer) { map.removeLayer(heatLayer); heatLayer = null; }
      if (S.heat && L.heatLayer) {
        heatLayer = L.heatLayer(sel.map(function (i) { return [lat[i], lon[i], 0.5]; }),
          {radius: 18, blur: 15, maxZoom: 9}).addTo(map);
      }
      drawRegions();
      drawFront();
      updateUI();
      writeHash();
    }

    // ---- base map and choropleth -------------------------------------------------------------
    var CHORO = ['#f8e9dc', '#f4d6c0', '#efc0a2', '#e8a783', '#de8c66', '#d0714d'];   // muted: markers stay readable
    if (basemap && basemap.features) {
      baseLayer = L.geoJSON(basemap, {
        renderer: renderer,
        style: function (f) {
          var admin = (f.properties || {}).kind === 'admin1';
          return {color: admin ? '#9a958c' : '#6d675d', weight: admin ? 0.8 : 1.6, fillColor: '#f7f4ec',
            fillOpacity: 1, opacity: 1};
        },
        onEachFeature: function (f, layer) {
          var pr = f.properties || {};
          if (pr.kind !== 'admin1') { layer.options.interactive = false; return; }
          layer._flCount = 0;
          [pr.code, pr.name].forEach(function (k) { if (k) regionIndex[String(k).toLowerCase()] = layer; });
          regionLayers.push(layer);
          layer.bindTooltip(function () {
            var box = el('div', 'fl-tip');
            box.appendChild(el('b', null, str(pr.name) || str(pr.code)));
            box.appendChild(el('div', null, layer._flCount + ' events shown'));
            return box;
          }, {sticky: true});
        }
      }).addTo(map);
      baseLayer.bringToBack();
    }
    function drawRegions() {
      if (!regionLayers.length) return;
      regionLayers.forEach(function (l) { l._flCount = 0; });
      var codes = C.admin1_code, names = C.admin1, max = 0;
      for (var k = 0; k < sel.length; k++) {
        var i = sel[k], l = (codes && codes[i] && regionIndex[String(codes[i]).toLowerCase()]) ||
          (names && names[i] && regionIndex[String(names[i]).toLowerCase()]);
        if (l) { l._flCount++; if (l._flCount > max) max = l._flCount; }
      }
      regionLayers.forEach(function (l) {
        var c = l._flCount, fill = '#f7f4ec';
        if (S.choro && c > 0) fill = CHORO[Math.min(CHORO.length - 1, Math.floor(Math.log(c) / Math.log(max + 1) * CHORO.length))];
        l._flFill = fill;
        l.setStyle({fillColor: fill});
      });
    }

    // ---- front line ----------------------------------------------------------------------------
    if (front && front.dates) frontDays = front.dates.map(dayNum);
    function drawFront() {
      if (!frontDays.length) return;
      var target = S.day === null ? Infinity : S.day + minD, best = -1;
      for (var k = 0; k < frontDays.length; k++) if (frontDays[k] !== null && frontDays[k] <= target) best = k;
      if (best === frontShown) return;
      if (frontShown !== null && frontShown >= 0) map.removeLayer(frontLayers[frontShown]);
      frontShown = best;
      if (best < 0) return;
      if (!frontLayers[best]) {
        frontLayers[best] = L.geoJSON(unpackGeometry(front.geometries[best], front.scale), {renderer: frontRenderer, pane: 'fl-front',
          interactive: false, style: {color: '#8b0000', weight: 2.5, fillColor: '#c0392b', fillOpacity: 0.18}});
        frontLayers[best]._flDate = front.dates[best];
      }
      frontLayers[best].addTo(map);
    }

    // ---- UI ------------------------------------------------------------------------------------
    var ui = {};
    function stop(e) { L.DomEvent.disableClickPropagation(e); L.DomEvent.disableScrollPropagation(e); return e; }
    function button(text, title, fn, cls) {
      var b = el('button', cls, text); b.type = 'button'; b.title = title;
      b.addEventListener('click', fn); return b;
    }
    function checkbox(label, checked, fn, cls) {
      var lab = el('label', cls), cb = el('input'); cb.type = 'checkbox'; cb.checked = checked;
      cb.addEventListener('change', function () { fn(cb.checked); });
      lab.appendChild(cb); lab.appendChild(document.createTextNode(' ' + label));
      lab._cb = cb; return lab;
    }
    function legendLine(cls, text) {
      var d = el('div', 'fl-key'); d.appendChild(el('span', 'fl-keyicon ' + cls)); d.appendChild(document.createTextNode(' ' + text));
      return d;
    }
    function buildPanel() {
      var panel = stop(el('div', 'fl-panel'));
      panel.appendChild(el('div', 'fl-title', cfg.title || 'frontline-map'));
      ui.count = el('div', 'fl-count'); panel.appendChild(ui.count);
      // search
      ui.search = el('input', 'fl-search'); ui.search.type = 'search'; ui.search.placeholder = 'Search place or evidence…';
      ui.results = el('ul', 'fl-results');
      var tmr = null;
      ui.search.addEventListener('input', function () { clearTimeout(tmr); tmr = setTimeout(runSearch, 120); });
      panel.appendChild(ui.search); panel.appendChild(ui.results);
      // legend = type filter
      panel.appendChild(el('div', 'fl-h', 'Event types'));
      ui.legend = el('div', 'fl-legend'); ui.typeBoxes = {};
      types.forEach(function (t) {
        var lab = checkbox('', true, function (on) { S.types[t] = on; redraw(); }, 'fl-type');
        lab.insertBefore(el('span', 'fl-swatch'), lab.childNodes[1]);
        lab.childNodes[1].style.background = cfg.types[t];
        lab.appendChild(el('span', 'fl-tname', t.replace('_', ' ')));
        var cnt = el('span', 'fl-tcount'); lab.appendChild(cnt); lab._cnt = cnt;
        lab.setAttribute('data-type', t);
        ui.typeBoxes[t] = lab; ui.legend.appendChild(lab);
      });
      panel.appendChild(ui.legend);
      panel.appendChild(el('div', 'fl-h', 'Actor'));
      ui.actorBoxes = {};
      var ar = el('div', 'fl-row');
      ACTORS.forEach(function (a) {
        var lab = checkbox(a || 'unknown', true, function (on) { S.actors[a] = on; redraw(); }, 'fl-actor');
        lab.setAttribute('data-actor', a || 'unknown'); ui.actorBoxes[a] = lab; ar.appendChild(lab);
      });
      panel.appendChild(ar);
      panel.appendChild(el('div', 'fl-h', 'Geocoding precision'));
      ui.precBoxes = {};
      var pr = el('div', 'fl-row fl-precs');
      PRECS.forEach(function (p) {
        var lab = checkbox(p, true, function (on) { S.precs[p] = on; redraw(); }, 'fl-prec');
        lab.insertBefore(el('span', 'fl-precicon fl-precicon-' + p), lab.childNodes[1]);
        lab.setAttribute('data-prec', p); ui.precBoxes[p] = lab; pr.appendChild(lab);
      });
      panel.appendChild(pr);
      panel.appendChild(el('div', 'fl-h', 'Layers'));
      var lr = el('div', 'fl-row');
      ui.clusterBox = checkbox('cluster', false, function (on) { S.cluster = on; redraw(); }, 'fl-cluster');
      ui.heatBox = checkbox('heatmap', false, function (on) { S.heat = on; redraw(); }, 'fl-heat');
      ui.choroBox = checkbox('regions', true, function (on) { S.choro = on; redraw(); }, 'fl-choro');
      [ui.clusterBox, ui.heatBox, ui.choroBox].forEach(function (x) { lr.appendChild(x); });
      panel.appendChild(lr);
      ui.clusterNote = el('div', 'fl-note'); panel.appendChild(ui.clusterNote);
      if (regionLayers.length) panel.appendChild(legendLine('fl-key-regions', 'regions: darker = more events shown'));
      if (frontDays.length) panel.appendChild(legendLine('fl-key-front', 'occupied area on the date (front line)'));
      var ex = el('div', 'fl-row');
      ex.appendChild(button('CSV', 'Download shown events as CSV', function () { exportCSV(); }, 'fl-export-csv'));
      ex.appendChild(button('GeoJSON', 'Download shown events as GeoJSON', function () { exportGeoJSON(); }, 'fl-export-geojson'));
      panel.appendChild(ex);
      if (cfg.dropped) panel.appendChild(el('div', 'fl-note', cfg.dropped + ' events without coordinates not drawn'));
      map.getContainer().appendChild(panel);
    }
    function buildTimebar() {
      var bar = stop(el('div', 'fl-timebar'));
      ui.date = el('div', 'fl-date'); bar.appendChild(ui.date);
      var row = el('div', 'fl-row');
      ui.play = button('▶ Play', 'Play / pause', function () { togglePlay(); }, 'fl-play');
      ui.speed = el('select', 'fl-speed');
      [0.5, 1, 2, 4, 8].forEach(function (s) {
        var o = el('option', null, s + '×'); o.value = s; if (s === 1) o.selected = true; ui.speed.appendChild(o);
      });
      ui.speed.addEventListener('change', function () { S.speed = +ui.speed.value; if (playTimer) { togglePlay(); togglePlay(); } });
      ui.prev = button('‹ day', 'Previous day', function () { step(-1); }, 'fl-prev');
      ui.next = button('day ›', 'Next day', function () { step(1); }, 'fl-next');
      ui.slider = el('input', 'fl-slider'); ui.slider.type = 'range'; ui.slider.min = 0;
      ui.slider.max = Math.max(0, days.length - 1); ui.slider.step = 1;
      ui.slider.addEventListener('input', function () { stopPlay(); S.day = +ui.slider.value; redraw(); });
      ui.all = checkbox('all dates', S.day === null, function (on) {
        stopPlay(); S.day = on ? null : Math.max(0, days.length - 1); redraw();
      }, 'fl-all');
      ui.winBox = checkbox('last', false, function (on) { S.win = on ? Math.max(1, +ui.winN.value || 7) : 0; redraw(); }, 'fl-window');
      ui.winN = el('input', 'fl-winn'); ui.winN.type = 'number'; ui.winN.min = 1; ui.winN.value = 7;
      ui.winN.addEventListener('change', function () { if (S.win) { S.win = Math.max(1, +ui.winN.value || 1); redraw(); } });
      [ui.play, ui.speed, ui.prev, ui.slider, ui.next, ui.all, ui.winBox, ui.winN, el('span', null, 'days')]
        .forEach(function (x) { row.appendChild(x); });
      bar.appendChild(row);
      ui.strip = el('canvas', 'fl-strip'); ui.strip.height = 36;
      ui.strip.title = 'Events per day by type; click a day to jump to it';
      ui.strip.addEventListener('click', function (e) {
        if (!days.length) return;
        var r = ui.strip.getBoundingClientRect();
        var d = Math.floor((e.clientX - r.left) / r.width * days.length);
        stopPlay(); S.day = Math.max(0, Math.min(days.length - 1, d)); redraw();
      });
      bar.appendChild(ui.strip);
      if (!days.length) { ui.slider.disabled = true; ui.prev.disabled = true; ui.next.disabled = true; ui.play.disabled = true; }
      map.getContainer().appendChild(bar);
    }
    var stripCounts = null, stripKey = '';
    function drawStrip() {
      var cv = ui.strip, w = cv.clientWidth || 600, h = cv.height;
      if (cv.width !== w) { cv.width = w; stripKey = ''; }
      var key = JSON.stringify([S.types, S.actors, S.precs]);
      if (key !== stripKey) {
        stripKey = key; stripCounts = days.map(function () { return {}; });
        for (var i = 0; i < n; i++) if (dayOf[i] >= 0 && pass(i)) {
          var c = stripCounts[dayOf[i]]; c[typeOf[i]] = (c[typeOf[i]] || 0) + 1;
        }
      }
      var ctx = cv.getContext('2d'); ctx.clearRect(0, 0, w, h);
      if (!days.length) return;
      var max = 1;
      stripCounts.forEach(function (c) { var s = 0; for (var t in c) s += c[t]; if (s > max) max = s; });
      var bw = w / days.length, r = range();
      if (r) { ctx.fillStyle = 'rgba(255,215,0,0.45)'; ctx.fillRect(r[0] * bw, 0, Math.max(2, (r[1] - r[0] + 1) * bw), h); }
      stripCounts.forEach(function (c, d) {
        var y = h;
        types.forEach(function (t) {
          if (!c[t]) return;
          var bh = c[t] / max * (h - 2);
          ctx.fillStyle = cfg.types[t]; ctx.fillRect(d * bw, y - bh, Math.max(1, bw - (bw > 3 ? 1 : 0)), bh); y -= bh;
        });
      });
    }
    function updateUI() {
      var r = range();
      ui.date.textContent = !r ? 'All dates' : r[0] === r[1] ? days[r[1]] : days[r[0]] + ' – ' + days[r[1]];
      ui.count.textContent = sel.length + ' of ' + n + ' events shown';
      ui.slider.value = S.day === null ? ui.slider.max : S.day;
      ui.slider.disabled = !days.length;     // moving it leaves "all dates"
      ui.all._cb.checked = S.day === null;
      ui.winBox._cb.checked = S.win > 0;
      if (S.win > 0) ui.winN.value = S.win;
      var per = {};
      sel.forEach(function (i) { per[typeOf[i]] = (per[typeOf[i]] || 0) + 1; });
      types.forEach(function (t) { ui.typeBoxes[t]._cb.checked = !!S.types[t]; ui.typeBoxes[t]._cnt.textContent = per[t] || 0; });
      ACTORS.forEach(function (a) { ui.actorBoxes[a]._cb.checked = !!S.actors[a]; });
      PRECS.forEach(function (p) { ui.precBoxes[p]._cb.checked = !!S.precs[p]; });
      ui.clusterBox._cb.checked = S.cluster; ui.heatBox._cb.checked = S.heat; ui.choroBox._cb.checked = S.choro;
      ui.play.textContent = playTimer ? '⏸ Pause' : '▶ Play';
      drawStrip();
    }

    // ---- time control ------------------------------------------------------------------------
    function step(delta) {
      if (!days.length) return;
      S.day = S.day === null ? (delta > 0 ? 0 : days.length - 1) : Math.max(0, Math.min(days.length - 1, S.day + delta));
      redraw();
    }
    function stopPlay() { if (playTimer) { clearInterval(playTimer); playTimer = null; } }
    function togglePlay() {
      if (playTimer) { stopPlay(); updateUI(); return; }
      if (!days.length) return;
      if (S.day === null || S.day >= days.length - 1) S.day = -1;
      playTimer = setInterval(function () {
        if (S.day >= days.length - 1) { stopPlay(); updateUI(); return; }
        step(1);
      }, 800 / S.speed);
      step(1);
    }

    // ---- search --------------------------------------------------------------------------------
    var lowPlace = null, lowEv = null;
    function runSearch() {
      var q = ui.search.value.trim().toLowerCase();
      while (ui.results.firstChild) ui.results.removeChild(ui.results.firstChild);
      if (q.length < 2) return;
      if (!lowPlace) {
        lowPlace = (C.location_name || []).map(function (s) { return str(s).toLowerCase(); });
        lowEv = (C.evidence || []).map(function (s) { return str(s).toLowerCase(); });
      }
      var hits = 0, total = 0;
      for (var i = 0; i < n; i++) {
        if ((lowPlace[i] && lowPlace[i].indexOf(q) >= 0) || (lowEv[i] && lowEv[i].indexOf(q) >= 0)) {
          total++;
          if (hits >= 50) continue;
          hits++;
          var li = el('li', 'fl-hit');
          li.appendChild(el('b', null, str(C.location_name[i]) || '(unnamed)'));
          li.appendChild(document.createTextNode(' ' + (str(C.event_date[i]) || 'undated') + ' · ' + typeOf[i]));
          var evs = str(C.evidence && C.evidence[i]);
          if (evs) li.appendChild(el('div', 'fl-hit-ev', evs.length > 90 ? evs.slice(0, 90) + '…' : evs));
          li.addEventListener('click', (function (j) { return function () { goTo(j); }; })(i));
          ui.results.appendChild(li);
        }
      }
      ui.results.appendChild(el('li', 'fl-hit-count', total + ' match' + (total === 1 ? '' : 'es')));
    }
    function goTo(i) {
      if (!shownSet[i]) {
        S.types[typeOf[i]] = true; S.actors[actorOf[i]] = true; S.precs[precOf[i]] = true;
        if (S.day !== null) { S.day = dayOf[i] >= 0 ? dayOf[i] : null; }
        redraw();
      }
      var m = bound(marker(i));
      map.flyTo(m.getLatLng(), Math.max(map.getZoom(), 9), {duration: 0.6});
      map.once('moveend', function () {
        if (clusterLayer) clusterLayer.zoomToShowLayer(m, function () { m.openPopup(); });
        else m.openPopup();
      });
    }

    // ---- export ----------------------------------------------------------------------------------
    var exportCols = blob.order.filter(function (c) { return c !== '_link'; });
    function csvCell(v) {
      if (v === null || v === undefined) return '';
      if (typeof v === 'number' || typeof v === 'boolean') return String(v);
      var s = String(v);
      if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;          // spreadsheet formula injection
      return '"' + s.replace(/"/g, '""') + '"';
    }
    function download(text, name, mime) {
      var url = URL.createObjectURL(new Blob([text], {type: mime}));
      var a = el('a'); a.href = url; a.download = name; document.body.appendChild(a); a.click();
      setTimeout(function () { URL.revokeObjectURL(url); a.remove(); }, 1000);
    }
    function csvText() {
      var lines = [exportCols.map(csvCell).join(',')];
      sel.forEach(function (i) { lines.push(exportCols.map(function (c) { return csvCell(C[c][i]); }).join(',')); });
      return lines.join('\r\n') + '\r\n';
    }
    function geojsonObj() {
      return {type: 'FeatureCollection', features: sel.map(function (i) {
        var props = {};
        exportCols.forEach(function (c) { props[c] = C[c][i]; });
        return {type: 'Feature', geometry: {type: 'Point', coordinates: [lon[i], lat[i]]}, properties: props};
      })};
    }
    function exportCSV() { download(csvText(), 'events.csv', 'text/csv;charset=utf-8'); }
    function exportGeoJSON() { download(JSON.stringify(geojsonObj()), 'events.geojson', 'application/geo+json'); }

    // ---- URL hash state --------------------------------------------------------------------------
    var hashOK = false;
    function allOn(o, keys) { return keys.every(function (k) { return o[k]; }); }
    function onList(o, keys, rename) { return keys.filter(function (k) { return o[k]; }).map(rename || String).join(','); }
    function writeHash() {
      if (!hashOK) return;
      var parts = ['date=' + (S.day === null ? 'all' : days[S.day])];
      if (S.win) parts.push('win=' + S.win);
      if (!allOn(S.types, types)) parts.push('types=' + onList(S.types, types));
      if (!allOn(S.actors, ACTORS)) parts.push('actors=' + onList(S.actors, ACTORS, function (a) { return a || 'unknown'; }));
      if (!allOn(S.precs, PRECS)) parts.push('prec=' + onList(S.precs, PRECS));
      var c = map.getCenter();
      parts.push('z=' + map.getZoom(), 'c=' + c.lat.toFixed(4) + ',' + c.lng.toFixed(4));
      var h = '#' + parts.join('&');
      if (location.hash !== h) history.replaceState(null, '', h);
    }
    function readHash() {   // returns true when the hash set a view
      var h = location.hash.replace(/^#/, ''), p = {};
      if (!h) return false;
      h.split('&').forEach(function (kv) {
        var k = kv.indexOf('=');
        if (k > 0) p[decodeURIComponent(kv.slice(0, k))] = decodeURIComponent(kv.slice(k + 1));
      });
      function setFrom(obj, keys, val, rename) {
        if (val === undefined) { keys.forEach(function (k) { obj[k] = true; }); return; }
        var on = val.split(',');
        keys.forEach(function (k) { obj[k] = on.indexOf(rename ? rename(k) : k) >= 0; });
      }
      if (p.date !== undefined) {
        var di = days.indexOf(p.date);
        S.day = p.date === 'all' || !days.length ? null : di >= 0 ? di : S.day;
      }
      S.win = p.win ? Math.max(0, parseInt(p.win, 10) || 0) : 0;
      setFrom(S.types, types, p.types);
      setFrom(S.actors, ACTORS, p.actors, function (a) { return a || 'unknown'; });
      setFrom(S.precs, PRECS, p.prec);
      var viewSet = false;
      if (p.z !== undefined && p.c) {
        var ll = p.c.split(',').map(Number), z = parseInt(p.z, 10);
        if (ll.length === 2 && isFinite(ll[0]) && isFinite(ll[1]) && isFinite(z)) { map.setView(ll, z, {animate: false}); viewSet = true; }
      }
      return viewSet;
    }
    window.addEventListener('hashchange', function () { stopPlay(); readHash(); redraw(); });
    map.on('moveend', function () { writeHash(); });

    // ---- start -----------------------------------------------------------------------------------
    buildPanel(); buildTimebar();
    var viewFromHash = readHash();
    if (!viewFromHash) {
      var b = null;
      if (n) { b = L.latLngBounds([]); for (i = 0; i < n; i++) b.extend([lat[i], lon[i]]); }
      else if (baseLayer) b = baseLayer.getBounds();
      if (b && b.isValid()) map.fitBounds(b, {paddingTopLeft: [20, 20], paddingBottomRight: [290, 140], maxZoom: 9, animate: false});
    }
    hashOK = true;
    redraw();

    function drawnCount() {   // markers actually on the map (independent of our selection bookkeeping)
      var c = 0;
      map.eachLayer(function (l) { if (l instanceof L.CircleMarker && l._fl !== undefined) c++; });
      return c;
    }
    return {
      map: map, days: days,
      setDate: function (d) {
        stopPlay();
        if (d === null || d === undefined) S.day = null;
        else { var k = days.indexOf(d); if (k < 0) throw new Error('no such date: ' + d); S.day = k; }
        redraw();
      },
      getDate: function () { return S.day === null ? null : days[S.day]; },
      setWindow: function (k) { S.win = Math.max(0, k | 0); redraw(); },
      setTypes: function (list) { types.forEach(function (t) { S.types[t] = list.indexOf(t) >= 0; }); redraw(); },
      setFilter: function (kind, list) {
        var o = {actor: [S.actors, ACTORS], prec: [S.precs, PRECS], type: [S.types, types]}[kind];
        o[1].forEach(function (k) { o[0][k] = list.indexOf(k) >= 0; }); redraw();
      },
      setLayers: function (o) { ['cluster', 'heat', 'choro'].forEach(function (k) { if (k in o) S[k] = !!o[k]; }); redraw(); },
      shownCount: function () { return sel.length; },
      shownIds: function () { return sel.map(function (i) { return C.event_id ? C.event_id[i] : i; }); },
      drawnCount: drawnCount,
      markerOf: function (id) {   // by event_id, or by row number when the table has no ids
        var k = C.event_id ? C.event_id.indexOf(id) : typeof id === 'number' && id < n ? id : -1;
        return k >= 0 ? bound(marker(k)) : null;
      },
      regionCounts: function () { var o = {}; regionLayers.forEach(function (l) { o[l.feature.properties.code || l.feature.properties.name] = l._flCount; }); return o; },
      frontlineDate: function () { return frontShown !== null && frontShown >= 0 ? front.dates[frontShown] : null; },
      csvText: csvText, geojson: geojsonObj, play: togglePlay, state: S,
      clusterLayer: function () { return clusterLayer; }, heatLayer: function () { return heatLayer; }
    };
  }
  window.frontlineViewer = frontlineViewer;
})();

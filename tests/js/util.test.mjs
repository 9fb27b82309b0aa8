// Unit tests of the viewer's pure functions (node --test tests/js/).
import test from 'node:test';
import assert from 'node:assert/strict';
import {
  dayNum, iso, decode, column, findPackedId, unpackGeometry, csvCell, csvText, openingView, stepDay, pickSnapshot,
  daysPerBar, timelineBars, zoomRange, parseHash, formatHash, listFrom, spiderOffsets, popupFields,
} from '../../geo/assets/js/util.mjs';

test('dayNum and iso round-trip; non-dates are null', () => {
  assert.equal(iso(dayNum('2024-02-29')), '2024-02-29');
  assert.equal(dayNum('1970-01-02'), 1);
  for (const bad of ['', 'x', null, undefined, 20240101, '24-01-01']) assert.equal(dayNum(bad), null);
});

test('decode reads plain and dictionary-encoded columns', () => {
  assert.deepEqual(decode(['a', 'b']), ['a', 'b']);
  assert.deepEqual(decode({d: ['x', 'y'], i: [1, 0, 1]}), ['y', 'x', 'y']);
  assert.equal(decode(null), null);
});

test('unpackGeometry inverts the integer delta packing', () => {
  const g = unpackGeometry({p: [[[370000, 470000, 10000, 0, 0, 10000, -10000, 0]]]}, 10000);
  assert.deepEqual(g, {type: 'MultiPolygon', coordinates: [[[[37, 47], [38, 47], [38, 48], [37, 48]]]]});
  const plain = {type: 'Point', coordinates: [1, 2]};
  assert.equal(unpackGeometry(plain, 10000), plain);
});

test('csvCell neutralises formula starts and keeps numbers', () => {
  for (const s of ['=1+1', '+A1', '-2+3', '@SUM(A1)', '\tx', '\rx']) assert.ok(csvCell(s).startsWith('"\''), s);
  assert.equal(csvCell('plain "q"'), '"plain ""q"""');
  assert.equal(csvCell(-5), '-5');
  assert.equal(csvCell(true), 'true');
  assert.equal(csvCell(null), '');
  assert.equal(csvText(['a', '=b'], [0], () => '=x'), '"a","\'=b"\r\n"\'=x","\'=x"\r\n');
});

test('openingView: all dates up to the limit, else the last 7 days that have events', () => {
  assert.deepEqual(openingView(13, [0, 300, 699]), {day: null, win: 0});
  const ev = [0, 1, 2, 10, 11, 13, 14, 20, 25, 30];
  assert.deepEqual(openingView(20001, ev), {day: 30, win: 30 - 10 + 1});
  assert.deepEqual(openingView(20001, []), {day: null, win: 0});
});

test('stepDay walks the given steps and stops at the ends', () => {
  const s = [3, 9, 40];
  assert.equal(stepDay(s, null, 1), 3);
  assert.equal(stepDay(s, null, -1), 40);
  assert.equal(stepDay(s, 3, 1), 9);
  assert.equal(stepDay(s, 5, 1), 9);
  assert.equal(stepDay(s, 40, 1), 40);
  assert.equal(stepDay(s, 9, -1), 3);
  assert.equal(stepDay(s, 3, -1), 3);
  assert.equal(stepDay([], 4, 1), 4);
});

test('pickSnapshot: latest on or before, at most maxAge days older', () => {
  const snaps = [100, 200, null, 300];
  assert.equal(pickSnapshot(snaps, 99, 31), -1);
  assert.equal(pickSnapshot(snaps, 100, 31), 0);
  assert.equal(pickSnapshot(snaps, 131, 31), 0);
  assert.equal(pickSnapshot(snaps, 132, 31), -1);
  assert.equal(pickSnapshot(snaps, 305, 0), -1);
  assert.equal(pickSnapshot(snaps, 300, 0), 3);
});

test('timeline bars are at least 8 px, cover every day once and end on the last day', () => {
  for (const [n, w] of [[700, 1200], [365, 900], [365, 300], [20, 1000], [1, 500], [3000, 800]]) {
    const bars = timelineBars(0, n - 1, w, 8);
    assert.ok(bars.every(b => b.w >= 8 - 1e-9), `${n} days in ${w} px`);
    assert.equal(bars[0].d0, 0);
    assert.equal(bars[bars.length - 1].d1, n - 1);
    for (let k = 1; k < bars.length; k++) assert.equal(bars[k].d0, bars[k - 1].d1 + 1);
  }
  assert.equal(daysPerBar(20, 1000), 1);
  assert.ok(daysPerBar(700, 1200) >= 5);
});

test('zoomRange zooms around a day and stays inside the axis', () => {
  assert.deepEqual(zoomRange(0, 699, 350, 0.5, 700), [175, 524]);
  const [a, b] = zoomRange(0, 699, 0, 0.1, 700);
  assert.equal(a, 0);
  assert.equal(b - a + 1, 70);
  assert.deepEqual(zoomRange(0, 9, 5, 0.1, 10), [2, 8]);        // never under a week
  assert.deepEqual(zoomRange(100, 200, 150, 10, 700), [0, 699]);
});

test('parseHash: ours parses; hostile or truncated hashes are no state', () => {
  assert.deepEqual(parseHash('#date=2024-01-02&types=strike,attack&z=7'), {date: '2024-01-02', types: 'strike,attack', z: '7'});
  for (const h of ['#%', '#types=strike%', '#<img src=x onerror=alert(1)>', '#javascript:alert(1)', '#=x',
    '#a', '#__proto__=1', '#' + 'a=1&'.repeat(2000), null, 5]) {
    assert.equal(parseHash(h), null, String(h).slice(0, 40));
  }
  assert.equal(parseHash(''), null);
  const o = {date: 'all', types: 'a,b', c: '1.5,2'};
  assert.deepEqual(parseHash(formatHash(o)), o);
  assert.deepEqual(listFrom('strike,<x>,attack', ['strike', 'attack', 'other']), ['strike', 'attack']);
  assert.deepEqual(listFrom(undefined, ['a']), ['a']);
});

test('spiderOffsets are distinct and apart', () => {
  for (const n of [2, 3, 8, 9, 30]) {
    const o = spiderOffsets(n);
    assert.equal(o.length, n);
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) {
      assert.ok(Math.hypot(o[i][0] - o[j][0], o[i][1] - o[j][1]) >= 10, `${n}: ${i},${j}`);
    }
  }
});

test('popupFields: filled user fields only; internals hidden; extras in more', () => {
  const row = {event_type: 'destroyed_equipment', weapon: '', actor: 'RU', input_file: '/x.csv', admin1_code: 'UA.05',
    event_id: 'abc', unit: '93rd', empty: '  ', latitude: 1};
  const f = popupFields(Object.keys(row), c => row[c]);
  assert.deepEqual(f.main, [['Type', 'destroyed equipment'], ['Actor', 'RU']]);
  assert.deepEqual(f.more, [['Event id', 'abc'], ['unit', '93rd']]);
});

test('decode reads base64 typed columns (codes and fixed-point coordinates)', () => {
  // bytes written by geo/render.py (_encode / _encode_coords): little-endian
  assert.deepEqual(decode({d: ['x', 'y'], b: 'AQAB', w: 1}), ['y', 'x', 'y']);
  const pick = decode({d: new Array(301).fill('').map((_, k) => 'v' + k), b: 'AQAAACwB', w: 2});
  assert.deepEqual(pick, ['v1', 'v0', 'v300']);
  const c = column({b: 'OW5JAJz///8=', w: 4, s: 100000});
  assert.ok(c.values instanceof Float64Array);             // coordinates stay one typed array
  assert.deepEqual(Array.from(c.values), [48.12345, -0.001]);
  assert.deepEqual(decode({b: 'OW5JAJz///8=', w: 4, s: 100000}), [48.12345, -0.001]);
  // distinct values once + a 2-byte code per event (render.py _encode_coords)
  const codes = Buffer.from(new Uint16Array([1, 1, 0]).buffer).toString('base64');
  assert.deepEqual(decode({b: 'OW5JAJz///8=', w: 4, s: 100000, c: codes, cw: 2}), [-0.001, -0.001, 48.12345]);
});

test('column reads sparse extras, packed ids, and keeps codes instead of strings', () => {
  // positions 1 and 4 (Int32 little-endian, base64) hold "a" and "b"; every other cell reads null
  const pos = Buffer.from(new Int32Array([1, 4]).buffer).toString('base64');
  const sp = column({sp: pos, w: 4, v: ['a', 'b']});
  assert.deepEqual([0, 1, 2, 3, 4, 5].map(sp.get), [null, 'a', null, null, 'b', null]);
  assert.deepEqual(decode({sp: pos, w: 4, v: {d: ['z'], i: [0, 0]}}, 6), [null, 'z', null, null, 'z', null]);
  const ids = ['00ff10a0b0c0d0e0', 'd780a6d5830d2d09'];
  const packed = {x: Buffer.from(ids.join(''), 'hex').toString('base64'), w: 8};
  assert.deepEqual(decode(packed), ids);
  const col = column(packed);
  assert.equal(findPackedId(col.bytes, ids[1]), 1);
  assert.equal(findPackedId(col.bytes, 'd780a6d5830d2d0a'), -1);
  assert.equal(findPackedId(col.bytes, 'not-an-id'), -1);
  const dict = column({d: ['x', 'y'], b: 'AQAB', w: 1});
  assert.deepEqual(Array.from(dict.codes), [1, 0, 1]);
  assert.deepEqual(dict.dict, ['x', 'y']);
});

test('column maps per-place codes back to events (geo/_map_places.py "via")', () => {
  const b64 = (T, a) => Buffer.from(new T(a).buffer).toString('base64');
  const place = new Uint16Array([2, 0, 2, 1]);           // 4 events on 3 places
  const names = column({d: ['a', 'b', 'c'], b: b64(Uint8Array, [1, 2, 0]), w: 1, via: 1}, 4, place);
  assert.deepEqual([0, 1, 2, 3].map(names.get), ['a', 'b', 'a', 'c']);
  assert.deepEqual(Array.from(names.codes), [0, 1, 0, 2]);          // per event: filters and regions read codes
  const lat = column({b: b64(Int32Array, [4812345, -100]), w: 4, s: 100000, c: b64(Uint16Array, [1, 0, 0]), cw: 2, via: 1}, 4, place);
  assert.deepEqual(Array.from(lat.values), [48.12345, -0.001, 48.12345, 48.12345]);
  assert.deepEqual(Array.from(lat.perPlace), [-0.001, 48.12345, 48.12345]);
});

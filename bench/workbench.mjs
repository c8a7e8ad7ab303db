// Driven by bench/workbench.sh: the workbench's batch operations against their one-at-a-time
// baselines, and the queue page in chromium against fetching its JSON alone.
import { createRequire } from 'module';
import { writeFileSync } from 'fs';
const require = createRequire(process.env.NODE_PATH + '/');
const puppeteer = require('puppeteer-core');

const url = process.env.DIMING_URL;
const auth = { Authorization: 'Bearer ' + process.env.CLERK_TOKEN };
const road = Number(process.env.ROAD);
const door = Number(process.env.DOOR);
const now = () => performance.now();

async function call(method, path, body, type) {
  const headers = { ...auth };
  if (body !== undefined) headers['Content-Type'] = type || 'application/json';
  const r = await fetch(url + path, { method, headers, body: body === undefined ? undefined : type ? body : JSON.stringify(body) });
  const text = await r.text();
  if (r.status >= 300 && r.status !== 422) throw new Error(`${method} ${path}: ${r.status} ${text.slice(0, 300)}`);
  return JSON.parse(text);
}
const plate = (i, offset) => ({ place_name_id: road, point: [121.03 + i * 0.00009 + offset, 30.72 + (i % 2 ? 0.0001 : -0.0001)] });
const line = (name, ms, base, baseName, bar) =>
  console.log(`${name}: diming ${ms.toFixed(0)} ms  |  ${baseName} ${base.toFixed(0)} ms  |  ratio ${(ms / base).toFixed(2)}  |  bar ${bar}: ${ms < Number(bar.replace(/[^0-9.]/g, '')) ? 'met' : 'MISSED'}`);

// 1000 new plates (500 for the batch, 500 for its baseline), applied.
const ids = [];
for (let i = 0; i < 1000; ++i) ids.push((await call('POST', '/api/v1/doorplates', plate(i, 0))).issuance_id);

let t = now();
const moved = await call('POST', '/api/v1/issuances/transition', { ids: ids.slice(0, 500), to: 'approved' });
const batchMs = now() - t;
t = now();
for (const id of ids.slice(500)) await call('POST', `/api/v1/issuances/${id}/transition`, { to: 'approved' });
const oneByOneMs = now() - t;
line(`approve ${moved.moved} issuances in one batch`, batchMs, oneByOneMs, '500 single transitions', '< 1000 ms');

t = now();
const b = await call('POST', `/api/v1/doorplates/${door}/building`, { building: '88', units: 4, floors: 30, rooms_per_floor: 4 });
const buildingMs = now() - t;
const total = 1 + b.unit_plates + b.room_plates;
t = now();
const parent = (await call('POST', '/api/v1/doorplates', { parent_id: door, plate_type: 'building', building: '89' })).door_plate_id;
for (let u = 1; u <= 4; ++u) {
  await call('POST', '/api/v1/doorplates', { parent_id: parent, plate_type: 'unit', unit: String(u) });
  for (let f = 1; f <= 30; ++f) for (let k = 1; k <= 4; ++k) await call('POST', '/api/v1/doorplates', { parent_id: parent, plate_type: 'room', unit: String(u), room: String(f * 100 + k) });
}
const childMs = now() - t;
line(`a building of ${total} plates from the template`, buildingMs, childMs, `${total} single plate requests`, '< 1000 ms');

const rows = ['道路,经度,纬度,申请人'];
for (let i = 0; i < 500; ++i) rows.push(`工作台测试路,${(121.03 + i * 0.00009 + 0.00004).toFixed(7)},${(30.72 + (i % 2 ? 0.0001 : -0.0001)).toFixed(7)},批量${i}`);
const sheet = rows.join('\n') + '\n';
writeFileSync(process.env.WORK + '/applications.csv', sheet);
t = now();
const checked = await call('POST', '/api/v1/applications?check=true', sheet, 'text/csv');
const checkMs = now() - t;
t = now();
const written = await call('POST', '/api/v1/applications', sheet, 'text/csv');
const writeMs = now() - t;
console.log(`a sheet of 500 applications: check ${checkMs.toFixed(0)} ms (${checked.problems} problems), write ${writeMs.toFixed(0)} ms (written: ${written.written})  |  per row ${(writeMs / 500).toFixed(2)} ms`);

// The queue page: sign in, 200 rows of applied issuances, from the click to the rows drawn.
const browser = await puppeteer.launch({ executablePath: '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
const page = await browser.newPage();
await page.setViewport({ width: 1400, height: 900 });
await page.goto(url + '/', { waitUntil: 'networkidle0' });
await page.evaluate(async (token) => {
  const r = await fetch('/api/v1/session', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ token }) });
  if (r.status !== 201) throw new Error('sign-in ' + r.status);
}, process.env.CLERK_TOKEN);
await page.reload({ waitUntil: 'networkidle0' });
await page.click('.tabs [data-tab=clerk]');
await page.select('#queue-form select[name=status]', 'applied');
const render = [], fetchOnly = [];
for (let i = 0; i < 7; ++i) {
  render.push(await page.evaluate(() => new Promise((resolve) => {
    const started = performance.now();
    const rows = document.getElementById('queue-rows');
    rows.innerHTML = '';
    const seen = new MutationObserver(() => {
      if (rows.children.length >= 200) {
        seen.disconnect();
        // The next frame: the rows laid out and painted.
        requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now() - started)));
      }
    });
    seen.observe(rows, { childList: true });
    document.getElementById('queue-refresh').click();
  })));
  fetchOnly.push(await page.evaluate(async () => {
    const started = performance.now();
    await (await fetch('/api/v1/issuances?limit=200&status=applied')).json();
    return performance.now() - started;
  }));
}
await browser.close();
const median = (a) => a.slice().sort((x, y) => x - y)[Math.floor(a.length / 2)];
line('issuance queue page of 200 rows in chromium (median of 7)', median(render), median(fetchOnly), 'fetching its JSON alone', '< 300 ms');

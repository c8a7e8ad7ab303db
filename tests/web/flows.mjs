// Browser flows of the workbench in Debian's chromium, driven by puppeteer-core. Run by
// tests/web/test_workbench.cpp against a real `diming serve`:
//   node flows.mjs SCENARIO  with DIMING_URL, CLERK_TOKEN, COMMITTEE_TOKEN, ARTEFACTS in the environment.
// Prints one JSON report on standard output; the C++ test checks it. Screenshots go to ARTEFACTS.
import puppeteer from 'puppeteer-core';

const base = process.env.DIMING_URL;
const artefacts = process.env.ARTEFACTS;
const scenario = process.argv[2];
const report = { scenario, errors: [], steps: [] };

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  // --no-sandbox: CI runs as root.
  args: ['--no-sandbox', '--disable-gpu', '--window-size=1400,900', '--lang=zh-CN'],
});
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function open(path) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1400, height: 900 });
  page.on('pageerror', (e) => report.errors.push('pageerror: ' + e.message));
  page.on('dialog', (d) => d.dismiss());
  await page.goto(base + path, { waitUntil: 'networkidle0' });
  await page.waitForFunction(() => window.diming && window.diming.i18n && document.title !== '');
  return page;
}
async function shot(page, name) {
  await page.screenshot({ path: `${artefacts}/workbench-${name}.png` });
}
async function text(page, selector) { return page.$eval(selector, (e) => e.innerText.trim()); }
async function signIn(page, token) {
  await page.click('#sign-in');
  await page.type('#sign-in-form input[name=token]', token);
  await page.click('#sign-in-submit');
  await page.waitForFunction(() => document.getElementById('sign-out').hidden === false, { timeout: 10000 });
}
async function waitStatus(page, selector) {
  await page.waitForFunction((s) => { const e = document.querySelector(s); return e && !e.hidden && e.innerText.trim() && !e.classList.contains('info'); }, { timeout: 15000 }, selector);
  return { text: await text(page, selector), ok: await page.$eval(selector, (e) => e.classList.contains('ok')) };
}
async function tilesDrawn(page) {
  await page.waitForFunction(() => window.diming.map.drawnFeatures().some((f) => f.get('layer') === 'roads'), { timeout: 20000 });
}
// A fetch from inside the page (its cookie; `csrf` adds the header the page's own writes carry).
async function pageFetch(page, method, path, body, csrf) {
  return page.evaluate(async (method, path, body, csrf) => {
    const headers = { 'Content-Type': 'application/json' };
    if (csrf) headers['X-CSRF-Token'] = window.diming.api.csrf;
    const r = await fetch(path, { method, headers, body: body === null ? undefined : JSON.stringify(body), credentials: 'same-origin' });
    return { status: r.status, type: r.headers.get('Content-Type'), length: (await r.arrayBuffer()).byteLength };
  }, method, path, body, csrf);
}

try {
  if (scenario === 'clerk') {
    const page = await open('/#z=18&c=121.0075,30.7');
    report.lang = await page.evaluate(() => document.documentElement.lang);
    await signIn(page, process.env.CLERK_TOKEN);
    report.who = await text(page, '#who');
    report.committee_tab_hidden = await page.$eval('.tabs [data-tab=committee]', (e) => e.hidden);
    report.committee_section_hidden = await page.$eval('#tab-committee', (e) => e.hidden);
    await page.click('.tabs [data-tab=clerk]');
    await tilesDrawn(page);

    // A plate by a click beside the road (north of 人民路: the left, odd side).
    await page.click('#issue-pick');
    const map = await page.$eval('#map', (e) => { const r = e.getBoundingClientRect(); return { x: r.x + r.width / 2, y: r.y + r.height / 2 }; });
    await page.mouse.click(map.x, map.y - 15);
    await page.waitForFunction(() => !document.getElementById('issue-card').hidden, { timeout: 10000 });
    report.proposal = { road: await text(page, '#issue-road'), number: await text(page, '#issue-proposed'), side: await text(page, '#issue-side'),
                        before: await text(page, '#issue-before'), after: await text(page, '#issue-after'), why: await text(page, '#issue-why') };
    await shot(page, 'clerk-proposal');
    await page.click('#issue-submit');
    report.issued = await waitStatus(page, '#issue-status');

    // A building's plates from the template: 2 units × 3 floors × 2 rooms under door plate 1.
    await page.click('#building-section summary');
    await page.$eval('#building-form', (f) => { f.door_plate_id.value = '1'; f.building.value = '7'; f.units.value = '2'; f.floors.value = '3'; f.rooms_per_floor.value = '2'; f.first_floor.value = '1'; f.dispatchEvent(new Event('input')); });
    report.building_preview = await text(page, '#building-preview');
    await page.click('#building-submit');
    report.building = await waitStatus(page, '#building-status');

    // Batch applications from a sheet: checked row by row, submitted only without problems.
    await page.click('#applications-section summary');
    const fs = await import('fs');
    const bad = `${artefacts}/applications-bad.csv`, good = `${artefacts}/applications-good.csv`;
    fs.writeFileSync(bad, '道路,经度,纬度,申请人\n人民路,121.0090,30.7001,赵六\n无名路,121.0092,30.7001,钱七\n');
    fs.writeFileSync(good, '道路,经度,纬度,申请人\n人民路,121.0090,30.7001,赵六\n');
    const input = await page.$('#applications-form input[type=file]');
    await input.uploadFile(bad);
    await page.click('#applications-check');
    report.applications_check = await waitStatus(page, '#applications-status');
    report.applications_rows = await page.$$eval('#applications-rows li', (l) => l.map((x) => x.innerText));
    report.applications_submit_enabled_with_problems = await page.$eval('#applications-submit', (b) => !b.disabled);
    await input.uploadFile(good);
    await page.click('#applications-check');
    await page.waitForFunction(() => !document.getElementById('applications-submit').disabled, { timeout: 10000 });
    await page.click('#applications-submit');
    await page.waitForFunction(() => document.getElementById('applications-status').innerText.includes('写入'), { timeout: 10000 });
    report.applications_written = await text(page, '#applications-status');

    // The queue: applied ones, all selected, approved in one batch.
    await page.select('#queue-form select[name=status]', 'applied');
    await page.click('#queue-refresh');
    await page.waitForFunction(() => document.querySelectorAll('#queue-rows tr').length > 0, { timeout: 10000 });
    report.queue_rows = await page.$$eval('#queue-rows tr', (r) => r.length);
    report.queue_status_cell = await text(page, '#queue-rows tr td.st');
    // Every match of the filter, not only this page.
    await page.click('#queue-select-matching');
    await page.waitForFunction(() => document.getElementById('queue-selected').textContent !== '已选 0 条', { timeout: 10000 });
    report.selected = await text(page, '#queue-selected');
    await page.select('#queue-to', 'approved');
    await page.type('#queue-note', '批量审核');
    await page.click('#queue-move');
    report.moved = await waitStatus(page, '#queue-status');
    await shot(page, 'clerk-queue');

    // A print order from the approved ones, and its sheet.
    await page.select('#queue-form select[name=status]', 'approved');
    await page.click('#queue-refresh');
    await page.waitForFunction(() => document.querySelectorAll('#queue-rows tr').length > 0, { timeout: 10000 });
    await page.click('#queue-all');
    await page.type('#order-printer', '嘉兴标牌厂');
    await page.evaluate(() => { document.getElementById('queue-status').hidden = true; document.getElementById('queue-status').className = 'status-line info'; });
    await page.click('#order-make');
    report.order = await waitStatus(page, '#queue-status');
    await page.click('#orders-section summary');
    await page.waitForSelector('#orders li a[href$=".xlsx"]', { timeout: 10000 });
    const xlsx = await page.$eval('#orders li a[href$=".xlsx"]', (a) => a.getAttribute('href'));
    report.sheet = await pageFetch(page, 'GET', xlsx, null, false);
    // The order's PDF proofs, and its certificates (门牌证) with a household's name.
    const proofs = await page.$eval('#orders li a[href$="/proofs.pdf"]', (a) => a.getAttribute('href'));
    report.proofs_pdf = await pageFetch(page, 'GET', proofs, null, false);
    await page.click('#orders li button.certificates');
    await page.waitForSelector('#orders li .certificate-form input', { visible: true, timeout: 10000 });
    await page.type('#orders li .certificate-form input', '张三');
    await page.click('#orders li .certificate-form button[type=submit]');
    await page.waitForSelector('#orders li .certificate-status a', { timeout: 10000 });
    report.certificates_status = await text(page, '#orders li .certificate-status');
    const certificates = await page.$eval('#orders li .certificate-status a', (a) => a.getAttribute('href'));
    report.certificates_pdf = await pageFetch(page, 'GET', certificates, null, false);
    await shot(page, 'clerk-orders');

    // The clerk's cookie does not reach the committee's writes; a write without the CSRF header is refused.
    report.committee_write_with_clerk_cookie = (await pageFetch(page, 'POST', '/api/v1/names/check', { name: '和平路' }, true)).status;
    report.write_without_csrf = (await pageFetch(page, 'POST', '/api/v1/doorplates', { place_name_id: 1, point: [121.008, 30.7001] }, false)).status;
    // A form on another site posting to the server with the browser's cookie.
    const other = await browser.newPage();
    const port = new URL(base).port;
    await other.goto(`http://localhost:${port}/livez`);
    const crossSite = await other.evaluate(async (target) => {
      const frame = document.createElement('iframe');
      frame.name = 'sink';
      document.body.appendChild(frame);
      const form = document.createElement('form');
      form.method = 'POST';
      form.action = target;
      form.enctype = 'text/plain';
      form.target = 'sink';
      const input = document.createElement('input');
      input.name = '{"place_name_id":1,"point":[121.0085,30.7001],"x":"';
      input.value = '"}';
      form.appendChild(input);
      document.body.appendChild(form);
      const loaded = new Promise((r) => frame.addEventListener('load', r));
      form.submit();
      await loaded;
      return true;
    }, `${base}/api/v1/doorplates`);
    report.cross_site_form_sent = crossSite;
    await other.close();
    report.queue_render_ms = await page.evaluate(() => window.__queueRenderMs);
  } else if (scenario === 'committee') {
    const page = await open('/#z=16&c=121.015,30.705');
    await signIn(page, process.env.COMMITTEE_TOKEN);
    report.clerk_tab_hidden = await page.$eval('.tabs [data-tab=clerk]', (e) => e.hidden);
    await page.click('.tabs [data-tab=committee]');
    // A homophone of 人民路 shows while it is typed.
    await page.type('#propose-form input[name=name]', '仁民路', { delay: 30 });
    await page.waitForSelector('#propose-conflicts .conflict-homophone', { timeout: 10000 });
    report.conflict = await text(page, '#propose-conflicts');
    await shot(page, 'committee-homophone');
    // Preview a renaming of 人民东路, then schedule it.
    await page.click('#rename-section summary');
    await page.type('#rename-form input[name=target]', '人民东路');
    await page.$eval('#rename-form input[name=target]', (e) => e.dispatchEvent(new Event('change')));
    await page.waitForFunction(() => document.getElementById('rename-target-info').textContent.includes('#'), { timeout: 10000 });
    await page.type('#rename-form input[name=new_name]', '和平东路');
    await page.type('#rename-form input[name=decision_doc]', '平政地〔2026〕9号');
    await page.$eval('#rename-form', (f, today, effective) => { f.decided_on.value = today; f.effective_on.value = effective; }, process.env.TODAY, process.env.EFFECTIVE_ON);
    await page.click('#rename-preview');
    await page.waitForFunction(() => { const e = document.getElementById('rename-status'); return !e.hidden && e.innerText.length > 0; }, { timeout: 10000 });
    report.preview = await text(page, '#rename-status');
    report.commit_enabled_after_preview = await page.$eval('#rename-commit', (b) => !b.disabled);
    await sleep(1500); // tiles redraw with the highlighted plates
    await shot(page, 'committee-preview');
    await page.click('#rename-commit');
    report.renamed = await waitStatus(page, '#rename-status');
    await page.waitForFunction(() => document.querySelectorAll('#scheduled li').length > 0, { timeout: 10000 });
    report.scheduled = await text(page, '#scheduled');
  } else if (scenario === 'history') {
    const page = await open('/');
    await signIn(page, process.env.COMMITTEE_TOKEN);
    await page.click('.tabs [data-tab=committee]');
    await page.click('#history-section summary');
    await page.type('#history-form input[name=q]', '和平东路');
    await page.click('#history-form button');
    await page.waitForFunction(() => document.getElementById('history').innerText.length > 0, { timeout: 10000 });
    report.history = await text(page, '#history');
    await shot(page, 'committee-history');
  } else if (scenario === 'gis') {
    const page = await open('/');
    await signIn(page, process.env.GIS_TOKEN);
    report.clerk_tab_hidden = await page.$eval('.tabs [data-tab=clerk]', (e) => e.hidden);
    await page.click('.tabs [data-tab=gis]');
    await page.click('#worklist-load');
    await page.waitForFunction(() => !document.getElementById('worklist-card').hidden, { timeout: 15000 });
    report.progress_before = await text(page, '#worklist-progress');
    report.first_position = await text(page, '#worklist-position');
    // Ten records reviewed by keyboard alone: C to confirm a link, U when there is nothing to confirm.
    const pressed = [];
    for (let i = 0; i < 10; ++i) {
      const civil = await text(page, '#worklist-civil');
      const key = civil === '—' ? 'u' : 'c';
      const before = await text(page, '#worklist-position');
      await page.focus('#worklist-card');
      await page.keyboard.press(key);
      await page.waitForFunction((b) => document.getElementById('worklist-position').innerText !== b || document.getElementById('worklist-decided').innerText !== '', { timeout: 10000 }, before);
      pressed.push(key);
    }
    report.pressed = pressed;
    report.done_items = await page.$$eval('#worklist-items li.done', (l) => l.length);
    report.progress_after = await text(page, '#worklist-progress');
    // J and K move without deciding.
    const here = await text(page, '#worklist-position');
    await page.keyboard.press('k');
    report.after_k = await text(page, '#worklist-position');
    await page.keyboard.press('j');
    report.after_j = await text(page, '#worklist-position');
    report.here = here;
    await page.click('#runs-section summary');
    await page.waitForFunction(() => document.querySelectorAll('#runs li').length > 0, { timeout: 10000 });
    report.runs = await page.$$eval('#runs li', (l) => l.length);
    report.trend_lines = await page.$$eval('#trend polyline', (l) => l.length);
    await shot(page, 'gis-review');
  } else if (scenario === 'english') {
    const page = await open('/?lang=en');
    report.lang = await page.evaluate(() => document.documentElement.lang);
    report.search_tab = await text(page, '.tabs [data-tab=search]');
    report.sign_in = await text(page, '#sign-in');
    await signIn(page, process.env.CLERK_TOKEN);
    report.who = await text(page, '#who');
    report.clerk_tab = await text(page, '.tabs [data-tab=clerk]');
    await page.click('.tabs [data-tab=clerk]');
    await page.select('#queue-form select[name=status]', '');
    await page.click('#queue-refresh');
    await page.waitForFunction(() => document.querySelectorAll('#queue-rows tr').length > 0, { timeout: 10000 });
    report.status_cell = await text(page, '#queue-rows tr td.st');
    // An error in English: a building for a plate that does not exist.
    await page.click('#building-section summary');
    await page.$eval('#building-form', (f) => { f.door_plate_id.value = '999999'; f.building.value = '1'; });
    await page.click('#building-submit');
    report.error = await waitStatus(page, '#building-status');
    await shot(page, 'english');
    // Switching back to Chinese redraws the words in place.
    await page.select('#lang', 'zh-CN');
    await page.waitForFunction(() => document.documentElement.lang === 'zh-CN');
    report.after_switch = await text(page, '.tabs [data-tab=clerk]');
  } else if (scenario === 'search-kinds') {
    // The map's search: a town by its name, then a name typed with a homophone.
    const page = await open('/');
    await page.type('#q', '当湖街道');
    await page.click('#search button[type=submit]');
    await page.waitForFunction(() => document.querySelectorAll('#results li').length > 0, { timeout: 10000 });
    report.town_first = await text(page, '#results li');
    await page.$eval('#q', (e) => { e.value = ''; });
    await page.type('#q', '仁民路');
    await page.click('#search button[type=submit]');
    await page.waitForFunction(() => { const li = document.querySelector('#results li'); return li && !li.innerText.startsWith('当湖街道'); }, { timeout: 10000 });
    report.homophone_first = await text(page, '#results li');
  } else if (scenario === 'ogc-html') {
    // OGC API - Features in a browser: its Accept header asks for HTML; a page of features
    // as a table, and the next page by its link.
    const page = await browser.newPage();
    page.on('pageerror', (e) => report.errors.push('pageerror: ' + e.message));
    const first = await page.goto(base + '/ogc/collections/door_plates/items?limit=5', { waitUntil: 'load' });
    report.type = first.headers()['content-type'];
    report.rows = await page.$$eval('#features tr', (r) => r.length - 1);
    report.headers = await page.$$eval('#features th', (h) => h.map((e) => e.textContent));
    report.first_address = await page.$eval('#features tr:nth-child(2)', (r) => r.innerText);
    report.counts = await text(page, '#counts');
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#next')]);
    report.next_url = page.url();
    report.next_rows = await page.$$eval('#features tr', (r) => r.length - 1);
    await page.goto(base + '/ogc/collections?f=html', { waitUntil: 'load' });
    report.collections = await page.$$eval('#collections tr td:first-child a', (a) => a.map((e) => e.textContent));
    await page.setViewport({ width: 1400, height: 900 });
    await page.screenshot({ path: `${artefacts}/ogc-collections.png` });
  } else {
    throw new Error('unknown scenario ' + scenario);
  }
  for (const p of await browser.pages()) {
    const errs = await p.evaluate(() => window.__errors || []).catch(() => []);
    report.errors.push(...errs);
  }
} catch (e) {
  report.errors.push('flow: ' + (e && e.stack ? e.stack : String(e)));
  const pages = await browser.pages();
  if (pages.length) await pages[pages.length - 1].screenshot({ path: `${artefacts}/workbench-${scenario}-failure.png` }).catch(() => {});
} finally {
  await browser.close();
}
console.log(JSON.stringify(report));

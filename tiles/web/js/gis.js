// The GIS staff's screens: the work list of a town or community beside the map — each
// record's two points and addresses shown, decided with one key (J/K to move, C confirm,
// X reject, U unregistered, D demolished, P duplicate, M civil plate missing, W address
// wrong) — its progress, the field-check sheet out and back, and the runs' trend.
(function (D) {
  'use strict';
  var t = D.t, esc = D.escapeHtml, tOr = D.i18n.tOr;
  var $ = function (id) { return document.getElementById(id); };
  var form = $('worklist-form');
  var items = [], at = 0, decided = {}, progress = null;
  var keys = { c: 'confirm', x: 'reject', u: 'unregistered', d: 'demolished', p: 'duplicate', m: 'civil_missing', w: 'police_wrong' };

  function query() {
    var f = form.elements, q = [];
    if (f.community.value) q.push('community=' + f.community.value);
    else if (f.town.value) q.push('town=' + f.town.value);
    if (f.status.value) q.push('status=' + f.status.value);
    return q.join('&');
  }
  function fillTowns() {
    var f = form.elements;
    var town = f.town.value;
    f.town.innerHTML = '<option value="">' + esc(t('gis.whole')) + '</option>' + D.search.towns().map(function (tw) {
      return '<option value="' + esc(tw.code) + '">' + esc(tw.name) + '</option>';
    }).join('');
    f.town.value = town;
    var st = f.status.value;
    f.status.innerHTML = ['open', 'field_check', 'resolved'].map(function (s) { return '<option value="' + s + '">' + esc(tOr('work_status', s)) + '</option>'; }).join('');
    f.status.value = st || 'open';
    $('runs-division').innerHTML = '<option value="">' + esc(t('gis.whole')) + '</option>' + D.search.towns().map(function (tw) {
      return '<option value="' + esc(tw.code) + '">' + esc(tw.name) + '</option>';
    }).join('');
    $('worklist-buttons').innerHTML = ['confirm', 'reject', 'unregistered', 'demolished', 'duplicate', 'civil_missing', 'police_wrong'].map(function (k) {
      var key = Object.keys(keys).filter(function (x) { return keys[x] === k; })[0];
      return '<button type="button" data-kind="' + k + '">' + esc(tOr('decision', k)) + ' (' + key.toUpperCase() + ')</button>';
    }).join('');
  }
  form.elements.town.addEventListener('change', function () {
    var town = form.elements.town.value;
    form.elements.community.innerHTML = '<option value="">' + esc(t('gis.any_community')) + '</option>';
    if (!town) return;
    D.api.get('/api/v1/communities?town=' + town).then(function (r) {
      form.elements.community.innerHTML += r.communities.map(function (c) { return '<option value="' + esc(c.code) + '">' + esc(c.name) + '</option>'; }).join('');
    });
  });

  function renderProgress() {
    if (!progress) return;
    var done = Object.keys(decided).length;
    $('worklist-progress').textContent = t('gis.progress', { open: Math.max(0, progress.open - done), field: progress.field_check, resolved: progress.resolved + done });
  }
  function renderList() {
    $('worklist-items').innerHTML = items.map(function (it, i) {
      return '<li data-i="' + i + '" class="' + (i === at ? 'current ' : '') + (decided[it.police_address_id] ? 'done' : '') + '">' +
        esc(it.police_address) + ' <span class="note">' + esc(tOr('problem', it.problem)) + ' · ' + esc(tOr('level', it.level)) + '</span></li>';
    }).join('');
  }
  function show() {
    var card = $('worklist-card');
    if (!items.length) {
      card.hidden = true;
      D.say($('worklist-status'), esc(t('gis.empty')), 'info');
      return;
    }
    var it = items[at];
    card.hidden = false;
    $('worklist-position').textContent = t('gis.item', { i: at + 1, n: items.length });
    $('worklist-problem').textContent = tOr('problem', it.problem);
    $('worklist-decided').textContent = decided[it.police_address_id] ? t('gis.decided', { kind: tOr('decision', decided[it.police_address_id]) }) : '';
    $('worklist-police').textContent = it.police_address;
    $('worklist-civil').textContent = it.civil_address || '—';
    $('worklist-level').textContent = tOr('level', it.level);
    $('worklist-distance').textContent = it.distance_m === null ? '—' : it.distance_m + ' m';
    $('worklist-worth').textContent = t('gis.road_problems', { n: it.road_problems });
    $('worklist-reason').textContent = it.reason;
    $('worklist-corrected-label').hidden = true;
    D.map.markPair(it.police_point, it.civil_point);
    renderList();
  }
  function load() {
    return D.api.get('/api/v1/match/worklist?limit=200&' + query()).then(function (r) {
      items = r.items;
      at = 0;
      decided = {};
      progress = r.progress;
      renderProgress();
      $('worklist-export').href = '/api/v1/match/worklist.xlsx?' + query();
      D.say($('worklist-status'), '', 'info');
      show();
      $('worklist-card').focus();
    }, function (err) { D.say($('worklist-status'), D.api.describe(err), 'error'); });
  }
  form.addEventListener('submit', function (e) { e.preventDefault(); load(); });

  function move(step) {
    if (!items.length) return;
    at = Math.max(0, Math.min(items.length - 1, at + step));
    show();
  }
  function decide(kind) {
    var it = items[at];
    if (!it) return;
    var body = { kind: kind, police_address_id: it.police_address_id };
    if (kind === 'confirm' || kind === 'reject') {
      if (!it.civil_address_id) return D.say($('worklist-status'), esc(t('error.bad_request')) + ' — ' + esc(tOr('field', 'civil_address_id')), 'error');
      body.civil_address_id = it.civil_address_id;
    }
    if (kind === 'police_wrong') {
      var input = $('worklist-corrected');
      if ($('worklist-corrected-label').hidden || !input.value.trim()) {
        $('worklist-corrected-label').hidden = false;
        input.value = input.value || it.police_address;
        input.focus();
        return;
      }
      body.corrected_address = input.value.trim();
      input.value = '';
    }
    D.api.post('/api/v1/match/decisions', body).then(function () {
      decided[it.police_address_id] = kind;
      renderProgress();
      D.say($('worklist-status'), esc(t('gis.decided', { kind: tOr('decision', kind) })), 'ok');
      if (at < items.length - 1) move(1);
      else show();
      $('worklist-card').focus();
    }, function (err) { D.say($('worklist-status'), D.api.describe(err), 'error'); });
  }
  $('worklist-buttons').addEventListener('click', function (e) { if (e.target.dataset.kind) decide(e.target.dataset.kind); });
  $('worklist-items').addEventListener('click', function (e) {
    var li = e.target.closest('li[data-i]');
    if (li) { at = Number(li.dataset.i); show(); }
  });
  $('worklist-corrected').addEventListener('keydown', function (e) {
    if (e.key === 'Enter') { e.preventDefault(); decide('police_wrong'); }
    e.stopPropagation(); // typing here is not a command
  });
  // Keyboard review: only while the work list's card has the focus (typing elsewhere is typing).
  $('worklist-card').addEventListener('keydown', function (e) {
    if (e.target.tagName === 'INPUT' || e.ctrlKey || e.metaKey || e.altKey) return;
    var k = e.key.toLowerCase();
    if (k === 'j' || e.key === 'ArrowDown') { e.preventDefault(); move(1); }
    else if (k === 'k' || e.key === 'ArrowUp') { e.preventDefault(); move(-1); }
    else if (keys[k]) { e.preventDefault(); decide(keys[k]); }
  });

  // The field-check sheet back.
  var outcomes = $('outcomes-form');
  function sendOutcomes(check) {
    var f = outcomes.elements.sheet.files[0];
    if (!f) return;
    var body = new Blob([f], { type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' });
    D.api.post('/api/v1/match/worklist/outcomes' + (check ? '?check=true' : ''), body).then(function (r) {
      var bad = r.rows.filter(function (x) { return !x.ok; });
      var html = esc(t(r.written ? 'clerk.app_written' : 'clerk.app_summary', { rows: r.rows.length, problems: r.problems }));
      if (bad.length) html += '<ul>' + bad.map(function (x) { return '<li>' + esc(t('clerk.app_row', { row: x.row })) + ' ' + esc(x.problem.field) + ': ' + esc(x.problem.message) + '</li>'; }).join('') + '</ul>';
      D.say($('outcomes-status'), html, r.problems ? 'error' : 'ok');
      $('outcomes-submit').disabled = !(check && r.problems === 0);
      if (r.written) load();
    }, function (err) { D.say($('outcomes-status'), D.api.describe(err), 'error'); });
  }
  $('outcomes-check').addEventListener('click', function () { sendOutcomes(true); });
  $('outcomes-submit').addEventListener('click', function () { sendOutcomes(false); });

  // The runs and the trend line: the automatic rate, and the governed one above it.
  function loadRuns() {
    if (!D.session.may('gis')) return Promise.resolve();
    var division = $('runs-division').value;
    return D.api.get('/api/v1/match/runs?limit=30' + (division ? '&division=' + division : '')).then(function (r) {
      var runs = r.runs.slice().reverse();
      var rate = function (run, key) { return division && run.division ? run.division[key] : run[key]; };
      var pct = function (v) { return (100 * v).toFixed(2) + '%'; };
      $('runs').innerHTML = r.runs.map(function (run) {
        return '<li>' + esc(t('gis.run_row', { id: run.id, at: run.started_at.slice(0, 10), auto: pct(rate(run, 'textual_rate')), gov: pct(rate(run, 'governed_rate')), decided: run.decided })) + '</li>';
      }).join('');
      var svg = $('trend');
      if (!runs.length) { svg.innerHTML = ''; return; }
      var values = [];
      runs.forEach(function (run) { values.push(rate(run, 'textual_rate'), rate(run, 'governed_rate')); });
      var lo = Math.max(0, Math.min.apply(null, values) - 0.01), hi = Math.min(1, Math.max.apply(null, values) + 0.01);
      var x = function (i) { return 30 + (runs.length === 1 ? 150 : i * 310 / (runs.length - 1)); };
      var y = function (v) { return 120 - (hi > lo ? (v - lo) / (hi - lo) : 0.5) * 100; };
      var line = function (key, colour) {
        return '<polyline fill="none" stroke="' + colour + '" stroke-width="2" points="' + runs.map(function (run, i) { return x(i) + ',' + y(rate(run, key)); }).join(' ') + '"/>' +
          runs.map(function (run, i) { return '<circle cx="' + x(i) + '" cy="' + y(rate(run, key)) + '" r="3" fill="' + colour + '"><title>' + pct(rate(run, key)) + '</title></circle>'; }).join('');
      };
      svg.innerHTML = '<text x="2" y="14" font-size="10">' + pct(hi) + '</text><text x="2" y="124" font-size="10">' + pct(lo) + '</text>' +
        line('textual_rate', '#2166ac') + line('governed_rate', '#1a9850') +
        '<text x="40" y="138" font-size="10" fill="#2166ac">' + esc(t('gis.trend_auto')) + '</text><text x="200" y="138" font-size="10" fill="#1a9850">' + esc(t('gis.trend_gov')) + '</text>';
    });
  }
  $('runs-division').addEventListener('change', loadRuns);

  document.addEventListener('diming:towns', fillTowns);
  document.addEventListener('diming:lang', function () { fillTowns(); if (items.length) show(); renderProgress(); loadRuns(); });
  document.addEventListener('diming:session', loadRuns);
  D.gis = { load: load, loadRuns: loadRuns };
})(window.diming = window.diming || {});

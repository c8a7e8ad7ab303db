// The door-plate clerk's screens: a plate issued by clicking beside a road, a building's
// plates from a template, the issuance queue with multi-select transitions, print orders
// (sheet, proofs, certificates, printed, installed) and cancellation (注销).
(function (D) {
  'use strict';
  var t = D.t, esc = D.escapeHtml, tOr = D.i18n.tOr;
  var $ = function (id) { return document.getElementById(id); };

  // ---- issuing by a click beside a road ---------------------------------------------------
  var issue = { road: null, point: null, proposal: null };
  var issueCard = $('issue-card');
  var issueStatus = $('issue-status');
  var issueForm = $('issue-form');

  function stopPicking() {
    D.clickMode = null;
    document.body.classList.remove('picking');
    $('issue-pick').textContent = t('clerk.pick_on_map');
  }
  function pickIssue(e) {
    var road = D.map.featuresNear(e.pixel, 'roads', 30)[0];
    if (!road) {
      D.say(issueStatus, esc(t('clerk.no_road')), 'error');
      return true;
    }
    issue.road = { id: road.get('id'), name: road.get('name') };
    issue.point = D.map.lonLatOf(e.pixel).map(function (v) { return Math.round(v * 1e7) / 1e7; });
    D.map.markPoint(issue.point);
    propose();
    return true;
  }
  // Why this number, from the proposal's parts (the server's reason is English prose).
  function why(r) {
    var p = r.proposal;
    var vars = { side: tOr('side', p.side), before: p.before, after: p.after, base: r.number };
    if (p.side === 'none') return t('clerk.why_village');
    if (r.suffix) return t(p.before ? 'clerk.why_suffix' : 'clerk.why_first_suffix', vars);
    if (p.before && p.after) return t('clerk.why_between', vars);
    if (p.before) return t('clerk.why_after', vars);
    if (p.after) return t('clerk.why_before', vars);
    return t('clerk.why_start', vars);
  }
  function propose() {
    D.say(issueStatus, esc(t('common.loading')), 'info');
    return D.api.post('/api/v1/doorplates', { place_name_id: issue.road.id, point: issue.point, dry_run: true }).then(function (r) {
      issue.proposal = r;
      var p = r.proposal;
      $('issue-road').textContent = issue.road.name;
      $('issue-proposed').textContent = r.number + (r.suffix ? '-' + r.suffix : '');
      $('issue-side').textContent = tOr('side', p.side);
      $('issue-before').textContent = p.before || t('clerk.none');
      $('issue-after').textContent = p.after || t('clerk.none');
      $('issue-why').textContent = why(r);
      $('issue-why').title = p.reason; // the server's own words
      issueForm.elements.number.value = r.number;
      issueForm.elements.suffix.value = r.suffix || '';
      issueCard.hidden = false;
      D.say(issueStatus, '', 'info');
    }, function (err) {
      issueCard.hidden = true;
      D.say(issueStatus, D.api.describe(err), 'error');
    });
  }
  $('issue-pick').addEventListener('click', function () {
    if (D.clickMode === pickIssue) return stopPicking();
    D.clickMode = pickIssue;
    document.body.classList.add('picking');
    this.textContent = t('clerk.picking');
  });
  document.addEventListener('keydown', function (e) { if (e.key === 'Escape' && D.clickMode === pickIssue) stopPicking(); });
  issueForm.addEventListener('submit', function (e) {
    e.preventDefault();
    var f = issueForm.elements;
    var body = { place_name_id: issue.road.id, point: issue.point, number: Number(f.number.value) };
    if (f.suffix.value.trim()) body.suffix = f.suffix.value.trim();
    if (f.compound.value.trim()) body.compound = f.compound.value.trim();
    if (f.applicant.value.trim()) body.applicant = f.applicant.value.trim();
    D.api.post('/api/v1/doorplates', body).then(function (r) {
      D.say(issueStatus, esc(t('clerk.issued', { address: r.standard_address })), 'ok');
      issueCard.hidden = true;
      D.map.refreshTiles();
      loadQueue();
      document.dispatchEvent(new CustomEvent('diming:issued', { detail: r }));
    }, function (err) { D.say(issueStatus, D.api.describe(err), 'error'); });
  });

  // ---- a building's plates from a template ------------------------------------------------
  var building = $('building-form');
  function buildingPreview() {
    var f = building.elements;
    var units = Number(f.units.value) || 0, floors = Number(f.floors.value) || 0, per = Number(f.rooms_per_floor.value) || 0;
    var first = Number(f.first_floor.value) || 1;
    var rooms = units * Math.max(0, floors - first + 1) * per;
    $('building-preview').textContent = t('clerk.building_preview', { units: units, rooms: rooms, total: 1 + units + rooms });
  }
  building.addEventListener('input', buildingPreview);
  building.addEventListener('submit', function (e) {
    e.preventDefault();
    var f = building.elements;
    var body = { building: f.building.value.trim(), units: Number(f.units.value), floors: Number(f.floors.value),
                 rooms_per_floor: Number(f.rooms_per_floor.value), first_floor: Number(f.first_floor.value) };
    if (f.applicant.value.trim()) body.applicant = f.applicant.value.trim();
    D.api.post('/api/v1/doorplates/' + encodeURIComponent(f.door_plate_id.value.trim()) + '/building', body).then(function (r) {
      D.say($('building-status'), esc(t('clerk.building_done', { total: 1 + r.unit_plates + r.room_plates, first: r.first_address, last: r.last_address })), 'ok');
      loadQueue();
    }, function (err) { D.say($('building-status'), D.api.describe(err), 'error'); });
  });

  // A plate picked on the map fills the building and cancellation forms.
  document.addEventListener('diming:plate', function (e) {
    var p = e.detail;
    if (p.plate_type === 'door') building.elements.door_plate_id.value = p.id;
    cancelForm.elements.door_plate_id.value = p.id;
    $('cancel-selected').textContent = t('clerk.selected_plate', { address: p.standard_address });
  });

  // ---- batch applications from the XLSX template ----------------------------------------------
  var appForm = $('applications-form');
  function sheet() {
    var f = appForm.elements.sheet.files[0];
    if (!f) return null;
    var type = /\.csv$/i.test(f.name) ? 'text/csv' : 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
    return new Blob([f], { type: type });
  }
  function problemText(p) {
    var field = tOr('field', p.field);
    var text = t('app_problem.' + p.code, { field: field });
    return text === 'app_problem.' + p.code ? p.message : text;
  }
  function showRows(r) {
    $('applications-rows').innerHTML = r.rows.map(function (row) {
      return '<li class="' + (row.ok ? 'ok' : 'bad') + '"><b>' + esc(t('clerk.app_row', { row: row.row })) + '</b> ' +
        (row.ok ? esc(t('clerk.app_ok', { address: row.standard_address })) :
          esc(problemText(row.problem)) + ' <small title="' + esc(row.problem.message) + '">' + esc(row.problem.message) + '</small>') + '</li>';
    }).join('');
  }
  function sendSheet(check) {
    var body = sheet();
    if (!body) return;
    $('applications-submit').disabled = true;
    D.api.post('/api/v1/applications' + (check ? '?check=true' : ''), body).then(function (r) {
      showRows(r);
      if (r.written) {
        D.say($('applications-status'), esc(t('clerk.app_written', { rows: r.rows.length })), 'ok');
        D.map.refreshTiles();
        loadQueue();
      } else {
        D.say($('applications-status'), esc(t('clerk.app_summary', { rows: r.rows.length, problems: r.problems })), r.problems ? 'error' : 'ok');
        $('applications-submit').disabled = !(check && r.problems === 0);
      }
    }, function (err) { D.say($('applications-status'), D.api.describe(err), 'error'); });
  }
  $('applications-check').addEventListener('click', function () { sendSheet(true); });
  $('applications-submit').addEventListener('click', function () { sendSheet(false); });
  appForm.elements.sheet.addEventListener('change', function () { $('applications-submit').disabled = true; $('applications-rows').innerHTML = ''; });

  // ---- the issuance queue -----------------------------------------------------------------
  var queue = $('queue-form');
  var rows = $('queue-rows');
  var selected = {};
  var nextAfter = null;
  var shown = [];

  function queueUrl(after, limit) {
    var f = queue.elements;
    var q = ['limit=' + (limit || 200)];
    if (f.status.value) q.push('status=' + encodeURIComponent(f.status.value));
    if (f.kind.value) q.push('kind=' + encodeURIComponent(f.kind.value));
    if (f.road.value.trim()) q.push('road=' + encodeURIComponent(f.road.value.trim()));
    if (f.q.value.trim()) q.push('q=' + encodeURIComponent(f.q.value.trim()));
    if (after) q.push('after=' + after);
    return '/api/v1/issuances?' + q.join('&');
  }
  function countSelected() {
    var n = Object.keys(selected).length;
    $('queue-selected').textContent = t('clerk.selected', { n: n });
    return n;
  }
  function renderRows() {
    // One string, one assignment: 200 rows render in one layout pass.
    rows.innerHTML = shown.map(function (i) {
      return '<tr data-id="' + i.id + '"><td><input type="checkbox" class="pick" ' + (selected[i.id] ? 'checked' : '') + ' aria-label="' + i.id + '"></td>' +
        '<td>' + i.id + '</td><td>' + esc(i.door_plate.standard_address) + '</td><td>' + esc(tOr('plate_type', i.door_plate.plate_type)) + ' · ' +
        esc(tOr('issuance_kind', i.kind)) + '</td><td class="st st-' + esc(i.status) + '">' + esc(tOr('issuance_status', i.status)) + '</td><td>' +
        esc(i.applicant) + '</td><td>' + esc(i.created_at.slice(0, 10)) + '</td></tr>';
    }).join('');
    $('queue-more').hidden = !nextAfter;
    $('queue-all').checked = shown.length > 0 && shown.every(function (i) { return selected[i.id]; });
    countSelected();
  }
  function loadQueue(more) {
    if (!D.session.may('clerk')) return Promise.resolve();
    var started = performance.now();
    return D.api.get(queueUrl(more ? nextAfter : null)).then(function (r) {
      if (!more) selected = {};
      shown = r.issuances;
      nextAfter = r.more ? r.next_after : null;
      renderRows();
      window.__queueRenderMs = performance.now() - started;
    }, function (err) { D.say($('queue-status'), D.api.describe(err), 'error'); });
  }
  queue.addEventListener('submit', function (e) { e.preventDefault(); loadQueue(); });
  $('queue-more').addEventListener('click', function () { loadQueue(true); });
  rows.addEventListener('change', function (e) {
    if (!e.target.classList.contains('pick')) return;
    var id = Number(e.target.closest('tr').dataset.id);
    if (e.target.checked) selected[id] = true; else delete selected[id];
    countSelected();
  });
  $('queue-all').addEventListener('change', function () {
    var on = this.checked;
    shown.forEach(function (i) { if (on) selected[i.id] = true; else delete selected[i.id]; });
    renderRows();
  });
  function selectedIds() { return Object.keys(selected).map(Number); }
  // Every issuance the filters match, page after page, up to what one batch moves.
  $('queue-select-matching').addEventListener('click', function () {
    var all = {};
    function page(after) {
      return D.api.get(queueUrl(after, 1000)).then(function (r) {
        r.issuances.forEach(function (i) { all[i.id] = true; });
        if (r.more && Object.keys(all).length < 5000) return page(r.next_after);
        return null;
      });
    }
    page(null).then(function () {
      selected = all;
      renderRows();
    }, function (err) { D.say($('queue-status'), D.api.describe(err), 'error'); });
  });
  $('queue-move').addEventListener('click', function () {
    var to = $('queue-to').value;
    var ids = selectedIds();
    D.api.post('/api/v1/issuances/transition', { ids: ids, to: to, note: $('queue-note').value.trim() }).then(function (r) {
      D.say($('queue-status'), esc(t('clerk.moved', { n: r.moved, status: tOr('issuance_status', to) })), 'ok');
      D.map.refreshTiles();
      return loadQueue();
    }, function (err) { D.say($('queue-status'), D.api.describe(err), 'error'); });
  });

  // ---- print orders -------------------------------------------------------------------------
  $('order-make').addEventListener('click', function () {
    var ids = selectedIds();
    D.api.post('/api/v1/print-orders', { issuance_ids: ids, printer: $('order-printer').value.trim() }).then(function (o) {
      D.say($('queue-status'), esc(t('clerk.order_made', { id: o.id, n: o.plates.length })), 'ok');
      loadQueue();
      loadOrders();
    }, function (err) { D.say($('queue-status'), D.api.describe(err), 'error'); });
  });
  function loadOrders() {
    if (!D.session.may('clerk')) return Promise.resolve();
    return D.api.get('/api/v1/print-orders?limit=20').then(function (r) {
      $('orders').innerHTML = r.print_orders.map(function (o) {
        var base = '/api/v1/print-orders/' + o.id;
        return '<li data-id="' + o.id + '"><b>#' + o.id + '</b> ' + esc(tOr('order_status', o.status)) + ' · ' + esc(o.printer) + ' · ' +
          esc(t('clerk.order_plates', { n: o.plates, installed: o.installed })) + '<br>' +
          '<a href="' + base + '.xlsx" download>' + esc(t('clerk.download_xlsx')) + '</a> · <a href="' + base + '.csv" download>' + esc(t('clerk.download_csv')) + '</a> · ' +
          '<a href="' + base + '/proofs.pdf" target="_blank">' + esc(t('clerk.proofs_pdf')) + '</a> · ' +
          '<button type="button" class="link proofs">' + esc(t('clerk.proofs')) + '</button> · ' +
          '<button type="button" class="link certificates">' + esc(t('clerk.certificates')) + '</button>' +
          (o.status === 'open' ? ' · <button type="button" class="link printed">' + esc(t('clerk.mark_printed')) + '</button>' : '') +
          (o.status === 'printed' && o.installed < o.plates ? ' · <button type="button" class="link installed">' + esc(t('clerk.mark_installed')) + '</button>' : '') +
          '<div class="proof-list" hidden></div><form class="certificate-form" hidden></form></li>';
      }).join('');
    });
  }
  $('orders').addEventListener('click', function (e) {
    var li = e.target.closest('li');
    if (!li || e.target.tagName !== 'BUTTON') return;
    var id = li.dataset.id;
    var status = $('orders-status');
    if (e.target.classList.contains('printed')) {
      D.api.post('/api/v1/print-orders/' + id + '/printed').then(loadOrders, function (err) { D.say(status, D.api.describe(err), 'error'); });
    } else if (e.target.classList.contains('installed')) {
      D.api.get('/api/v1/issuances?limit=1000&status=printed&print_order=' + id).then(function (r) {
        return D.api.post('/api/v1/issuances/transition', { ids: r.issuances.map(function (i) { return i.id; }), to: 'installed' });
      }).then(function () { D.map.refreshTiles(); loadOrders(); loadQueue(); }, function (err) { D.say(status, D.api.describe(err), 'error'); });
    } else if (e.target.classList.contains('proofs')) {
      var list = li.querySelector('.proof-list');
      D.api.get('/api/v1/print-orders/' + id).then(function (o) {
        list.innerHTML = o.plates.map(function (p) {
          return '<a href="/api/v1/print-orders/' + id + '/proofs/' + p.door_plate_id + '.svg" target="_blank">' + esc(p.text + ' ' + p.number_text) + '</a>';
        }).join(' · ');
        list.hidden = false;
      });
    } else if (e.target.classList.contains('certificates')) {
      // 门牌证: a household name per plate (optional), then the certificates issued and their PDF.
      var form = li.querySelector('.certificate-form');
      D.api.get('/api/v1/print-orders/' + id).then(function (o) {
        form.innerHTML = o.plates.filter(function (p) { return p.plate_type !== 'unit'; }).map(function (p) {
          return '<label>' + esc(p.standard_address) + ' <input name="h' + p.issuance_id + '" data-issuance="' + p.issuance_id + '" maxlength="40" placeholder="' +
            esc(t('clerk.household')) + '"></label>';
        }).join('') + '<button type="submit">' + esc(t('clerk.issue_certificates')) + '</button> <span class="certificate-status" role="status"></span>';
        form.hidden = false;
      });
    }
  });
  $('orders').addEventListener('submit', function (e) {
    if (!e.target.classList.contains('certificate-form')) return;
    e.preventDefault();
    var form = e.target;
    var id = form.closest('li').dataset.id;
    var households = {};
    Array.prototype.forEach.call(form.querySelectorAll('input[data-issuance]'), function (input) {
      if (input.value.trim()) households[input.dataset.issuance] = input.value.trim();
    });
    var status = form.querySelector('.certificate-status');
    D.api.post('/api/v1/print-orders/' + id + '/certificates', { households: households }).then(function (r) {
      status.innerHTML = esc(t('clerk.certificates_issued', { n: r.certificates.length })) + ' · <a href="/api/v1/print-orders/' + id +
        '/certificates.pdf" target="_blank">' + esc(t('clerk.certificates_pdf')) + '</a>';
    }, function (err) { D.say(status, D.api.describe(err), 'error'); });
  });

  // ---- cancellation (注销) ------------------------------------------------------------------
  var cancelForm = $('cancel-form');
  function fillReasons() {
    var chosen = cancelForm.elements.reason_code.value;
    cancelForm.elements.reason_code.innerHTML = ['demolition', 'merger', 'renumbering', 'error', 'other'].map(function (c) {
      return '<option value="' + c + '">' + esc(tOr('reason', c)) + '</option>';
    }).join('');
    if (chosen) cancelForm.elements.reason_code.value = chosen;
  }
  cancelForm.elements.cancelled_on.value = D.today();
  cancelForm.addEventListener('submit', function (e) {
    e.preventDefault();
    var f = cancelForm.elements;
    var body = { reason_code: f.reason_code.value, cancelled_on: f.cancelled_on.value };
    if (f.reason.value.trim()) body.reason = f.reason.value.trim();
    if (f.decision_doc.value.trim()) body.decision_doc = f.decision_doc.value.trim();
    D.api.post('/api/v1/doorplates/' + encodeURIComponent(f.door_plate_id.value.trim()) + '/cancel', body).then(function (r) {
      D.say($('cancel-status'), esc(t('clerk.cancelled', { n: r.plates_cancelled })), 'ok');
      D.map.refreshTiles();
      loadQueue();
    }, function (err) { D.say($('cancel-status'), D.api.describe(err), 'error'); });
  });

  function fillSelects() {
    var statuses = ['applied', 'approved', 'ordered', 'printed', 'installed', 'rejected', 'cancelled'];
    var st = queue.elements.status.value;
    queue.elements.status.innerHTML = '<option value="">' + esc(t('clerk.any')) + '</option>' + statuses.map(function (s) {
      return '<option value="' + s + '">' + esc(tOr('issuance_status', s)) + '</option>';
    }).join('');
    queue.elements.status.value = st;
    var kd = queue.elements.kind.value;
    queue.elements.kind.innerHTML = '<option value="">' + esc(t('clerk.any')) + '</option>' + ['new', 'replacement', 'renaming'].map(function (k) {
      return '<option value="' + k + '">' + esc(tOr('issuance_kind', k)) + '</option>';
    }).join('');
    queue.elements.kind.value = kd;
    var to = $('queue-to').value;
    $('queue-to').innerHTML = ['approved', 'rejected', 'cancelled', 'installed'].map(function (s) {
      return '<option value="' + s + '">' + esc(tOr('issuance_status', s)) + '</option>';
    }).join('');
    if (to) $('queue-to').value = to;
    fillReasons();
    buildingPreview();
    if (shown.length) renderRows();
  }
  document.addEventListener('diming:lang', fillSelects);
  document.addEventListener('diming:session', function () { loadQueue(); loadOrders(); });
  fillSelects();

  D.clerk = { loadQueue: loadQueue, loadOrders: loadOrders, stopPicking: stopPicking };
})(window.diming = window.diming || {});

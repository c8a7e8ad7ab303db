// The naming committee's screens: a proposal checked as it is typed (duplicate, homophone,
// former name, restricted word) with its geometry drawn on the map; the approval queue; a
// renaming previewed (plates re-addressed, replacement issuances, highlighted on the map)
// before it is committed or scheduled; the scheduled renamings; a name's history.
(function (D) {
  'use strict';
  var t = D.t, esc = D.escapeHtml, tOr = D.i18n.tOr;
  var $ = function (id) { return document.getElementById(id); };
  var categories = [];

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, ms);
    };
  }

  // A conflict in the page's language, from its particulars (the server's message is English).
  function conflictText(c) {
    var f = Object.assign({}, c.facts || {});
    var key = 'conflict_msg.' + c.kind;
    if (c.kind === 'duplicate' && f.status === 'coming') key += '_coming';
    else if (c.kind === 'former_name' && f.status === 'retired') key += '_retired';
    else if (f.status) f.status = tOr('name_status', f.status);
    var text = t(key, f);
    return text === key ? c.message : text;
  }
  D.conflictText = conflictText;

  // Conflicts as a list; the non-blocking ones get a box the committee ticks to accept them.
  function renderConflicts(el, conflicts, acceptable) {
    if (!conflicts.length) {
      el.innerHTML = '<span class="ok">' + esc(t('conflict.none')) + '</span>';
      return;
    }
    el.innerHTML = '<ul class="conflicts">' + conflicts.map(function (c) {
      var box = acceptable && !c.blocking ? ' <label><input type="checkbox" class="accept" value="' + esc(c.kind) + '"> ' + esc(t('conflict.accept')) + '</label>' : '';
      return '<li class="conflict conflict-' + esc(c.kind) + (c.blocking ? ' blocking' : '') + '"><b>' + esc(tOr('conflict', c.kind)) + '</b>' +
        (c.blocking ? ' ' + esc(t('conflict.blocking')) : '') + '<br><small title="' + esc(c.message) + '">' + esc(conflictText(c)) + '</small>' + box + '</li>';
    }).join('') + '</ul>';
  }
  function accepted(el) {
    return Array.prototype.map.call(el.querySelectorAll('input.accept:checked'), function (b) { return b.value; })
      .filter(function (v, i, a) { return a.indexOf(v) === i; });
  }
  function liveCheck(input, out) {
    var last = '';
    var run = debounce(function () {
      var name = input.value.trim();
      if (!name || name === last) return;
      last = name;
      out.innerHTML = '<small>' + esc(t('committee.checking')) + '</small>';
      D.api.post('/api/v1/names/check', { name: name }).then(function (r) {
        if (input.value.trim() === name) renderConflicts(out, r.conflicts, true);
      }, function (err) { out.innerHTML = D.api.describe(err); });
    }, 250);
    input.addEventListener('input', run);
    return function () { last = ''; };
  }

  // ---- proposing, with the geometry drawn on the map ---------------------------------------
  var propose = $('propose-form');
  liveCheck(propose.elements.name, $('propose-conflicts'));
  var drawn = null;
  var draw = null;
  function stopDrawing() {
    if (draw) D.map.map.removeInteraction(draw);
    draw = null;
    D.clickMode = null;
  }
  $('propose-draw').addEventListener('click', function () {
    stopDrawing();
    var cat = categories.filter(function (c) { return c.code === propose.elements.category_code.value; })[0];
    var type = cat && cat.geometry_kind === 'point' ? 'Point' : cat && cat.geometry_kind === 'area' ? 'Polygon' : 'LineString';
    draw = new ol.interaction.Draw({ type: type });
    D.clickMode = function () { return true; }; // clicks draw, they do not open records
    draw.on('drawend', function (e) {
      drawn = new ol.format.GeoJSON().writeGeometryObject(e.feature.getGeometry(), { dataProjection: 'EPSG:4326', featureProjection: 'EPSG:3857' });
      D.map.mark(drawn);
      $('propose-geometry').textContent = t('committee.drawn') + ' (' + type + ')';
      setTimeout(stopDrawing, 0);
    });
    D.map.map.addInteraction(draw);
    $('propose-geometry').textContent = t('committee.drawing');
  });
  propose.addEventListener('submit', function (e) {
    e.preventDefault();
    var f = propose.elements;
    var body = { name: f.name.value.trim(), category_code: f.category_code.value, division_code: f.division_code.value, accept: accepted($('propose-conflicts')) };
    if (drawn) body.geometry = drawn;
    if (f.meaning.value.trim()) body.meaning = f.meaning.value.trim();
    if (f.origin.value.trim()) body.origin = f.origin.value.trim();
    D.api.post('/api/v1/names', body).then(function (r) {
      D.say($('propose-status'), esc(t('committee.proposed', { name: r.name, pinyin: r.pinyin })), 'ok');
      propose.reset();
      drawn = null;
      $('propose-conflicts').innerHTML = '';
      $('propose-geometry').textContent = '';
      D.map.refreshTiles();
      loadQueue();
    }, function (err) { D.say($('propose-status'), D.api.describe(err), 'error'); });
  });

  // ---- the approval queue ------------------------------------------------------------------
  function loadQueue() {
    if (!D.session.may('committee')) return Promise.resolve();
    return D.api.get('/api/v1/names?status=proposed&limit=50').then(function (r) {
      var hits = r.hits || [];
      $('name-queue').innerHTML = hits.length ? hits.map(function (h) {
        return '<li data-id="' + h.id + '"><b>' + esc(h.name) + '</b> ' + esc(h.pinyin) + ' · ' + esc(h.category ? h.category.name || '' : '') + ' · ' + esc(h.town ? h.town.name : '') +
          ' <button type="button" class="link show">' + esc(t('committee.history')) + '</button><div class="decide">' +
          '<input name="decision_doc" placeholder="' + esc(t('committee.decision_doc')) + '"> <input name="decided_on" type="date" value="' + D.today() + '"> ' +
          '<button type="button" class="approve">' + esc(t('committee.approve')) + '</button> <button type="button" class="reject">' + esc(t('committee.reject')) + '</button></div></li>';
      }).join('') : '<li class="note">' + esc(t('committee.queue_empty')) + '</li>';
    }, function (err) { D.say($('queue-decide-status'), D.api.describe(err), 'error'); });
  }
  $('name-queue').addEventListener('click', function (e) {
    var li = e.target.closest('li[data-id]');
    if (!li) return;
    var id = li.dataset.id;
    if (e.target.classList.contains('show')) return D.search.showName(id);
    if (!e.target.classList.contains('approve') && !e.target.classList.contains('reject')) return;
    var body = { decision_doc: li.querySelector('[name=decision_doc]').value.trim(), decided_on: li.querySelector('[name=decided_on]').value };
    var verb = e.target.classList.contains('approve') ? 'approve' : 'reject';
    if (verb === 'reject' && !body.decision_doc) delete body.decision_doc;
    D.api.post('/api/v1/names/' + id + '/' + verb, body).then(function () {
      D.map.refreshTiles();
      loadQueue();
    }, function (err) { D.say($('queue-decide-status'), D.api.describe(err), 'error'); });
  });

  // ---- renaming: preview, then commit or schedule --------------------------------------------
  var rename = $('rename-form');
  var resetRenameCheck = liveCheck(rename.elements.new_name, $('rename-conflicts'));
  var target = null;
  rename.elements.target.addEventListener('change', pickTarget);
  function pickTarget() {
    var q = rename.elements.target.value.trim();
    if (!q) return;
    D.api.get('/api/v1/names?limit=1&q=' + encodeURIComponent(q)).then(function (r) {
      target = r.hits && r.hits[0] ? r.hits[0] : null;
      $('rename-target-info').textContent = target ? target.name + ' · ' + target.pinyin + ' · ' + target.town.name + ' (#' + target.id + ')' : t('search.none');
      if (target && target.bbox) D.map.fitLonLat(target.bbox, 16);
    });
  }
  function renameBody() {
    var f = rename.elements;
    var body = { new_name: f.new_name.value.trim(), decision_doc: f.decision_doc.value.trim(), decided_on: f.decided_on.value,
                 effective_on: f.effective_on.value, accept: accepted($('rename-conflicts')) };
    if (f.reason.value.trim()) body.reason = f.reason.value.trim();
    return body;
  }
  $('rename-preview').addEventListener('click', function () {
    if (!target) return D.say($('rename-status'), esc(t('error.not_found')) + ' — ' + esc(t('committee.rename_target')), 'error');
    D.api.post('/api/v1/names/' + target.id + '/rename/preview', renameBody()).then(function (r) {
      var when = r.takes_effect === 'now' ? t('committee.now') : t('committee.on_date', { date: r.effective_on });
      D.say($('rename-status'), esc(t('committee.preview_result', { plates: r.plates_readdressed, issuances: r.issuances_created, when: when })), 'info');
      D.map.highlightPlates(r.plate_ids);
      $('rename-commit').disabled = false;
    }, function (err) { D.say($('rename-status'), D.api.describe(err), 'error'); });
  });
  $('rename-commit').addEventListener('click', function () {
    D.api.post('/api/v1/names/' + target.id + '/rename', renameBody()).then(function (r) {
      var msg = r.status === 'scheduled' ? t('committee.scheduled', { name: r.new_name, date: r.effective_on }) : t('committee.renamed', { former: r.former_name, name: r.name });
      D.say($('rename-status'), esc(msg), 'ok');
      D.map.highlightPlates(null);
      D.map.refreshTiles();
      $('rename-commit').disabled = true;
      resetRenameCheck();
      loadScheduled();
    }, function (err) { D.say($('rename-status'), D.api.describe(err), 'error'); });
  });
  rename.addEventListener('input', function (e) { if (e.target.name !== 'target') $('rename-commit').disabled = true; });

  function loadScheduled() {
    if (!D.session.may('committee')) return Promise.resolve();
    return D.api.get('/api/v1/scheduled-renamings').then(function (r) {
      $('scheduled').innerHTML = r.scheduled_renamings.map(function (s) {
        return '<li data-id="' + s.id + '">' + esc(s.name) + ' → <b>' + esc(s.new_name) + '</b> · ' + esc(s.effective_on) + ' · ' +
          esc(tOr('renaming_status', s.status)) + ' <button type="button" class="link withdraw">' + esc(t('committee.withdraw')) + '</button></li>';
      }).join('');
    });
  }
  $('scheduled').addEventListener('click', function (e) {
    if (!e.target.classList.contains('withdraw')) return;
    D.api.post('/api/v1/scheduled-renamings/' + e.target.closest('li').dataset.id + '/withdraw').then(loadScheduled,
      function (err) { D.say($('rename-status'), D.api.describe(err), 'error'); });
  });

  // ---- a name's history ------------------------------------------------------------------------
  $('history-form').addEventListener('submit', function (e) {
    e.preventDefault();
    var q = this.elements.q.value.trim();
    D.api.get('/api/v1/names?limit=1&q=' + encodeURIComponent(q)).then(function (r) {
      if (!r.hits || !r.hits.length) { $('history').innerHTML = esc(t('search.none')); return null; }
      return D.api.get('/api/v1/names/' + r.hits[0].id);
    }).then(function (n) {
      if (!n) return;
      var html = '<p><b>' + esc(t('committee.in_force')) + ':</b> ' + esc(n.name) + ' (' + esc(n.pinyin) + ') · ' + esc(tOr('name_status', n.status)) + '</p>';
      if (n.coming_renaming) html += '<p class="coming">' + esc(t('committee.coming', { name: n.coming_renaming.new_name, date: n.coming_renaming.effective_on })) + '</p>';
      html += '<b>' + esc(t('committee.former_names')) + '</b>';
      html += n.renamings.length ? '<ul class="history">' + n.renamings.map(function (h) {
        return '<li>' + esc(h.former_name) + ' → ' + esc(h.new_name) + ' · ' + esc(h.decision_doc) + ' · ' + esc(h.effective_on) + '</li>';
      }).join('') + '</ul>' : '<p class="note">' + esc(t('committee.no_history')) + '</p>';
      $('history').innerHTML = html;
    }, function (err) { $('history').innerHTML = D.api.describe(err); });
  });

  function fillSelects() {
    var f = propose.elements;
    var cat = f.category_code.value;
    f.category_code.innerHTML = categories.map(function (c) { return '<option value="' + esc(c.code) + '">' + esc(c.name) + '</option>'; }).join('');
    if (cat) f.category_code.value = cat;
    var town = f.division_code.value;
    f.division_code.innerHTML = D.search.towns().map(function (tw) { return '<option value="' + esc(tw.code) + '">' + esc(tw.name) + '</option>'; }).join('');
    if (town) f.division_code.value = town;
  }
  D.api.get('/api/v1/categories').then(function (r) { categories = r.categories; fillSelects(); });
  document.addEventListener('diming:towns', fillSelects);
  document.addEventListener('diming:session', function () { loadQueue(); loadScheduled(); });
  rename.elements.decided_on.value = D.today();
  rename.elements.effective_on.value = D.today();

  D.committee = { loadQueue: loadQueue, loadScheduled: loadScheduled };
})(window.diming = window.diming || {});

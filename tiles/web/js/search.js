// The search screen everyone has: names and addresses, the town filter, layers, legend, and
// the record behind whatever is clicked on the map.
(function (D) {
  'use strict';
  var t = D.t, esc = D.escapeHtml;
  var results = document.getElementById('results');
  var townSelect = document.getElementById('town');
  var popup = document.getElementById('popup');
  var towns = [];

  function legend() {
    var el = document.getElementById('legend');
    el.innerHTML = '<b>' + esc(t('legend.plates')) + '</b>' + ['planned', 'active', 'cancelled'].map(function (s) {
      return '<div><span class="swatch plate-' + s + '"></span>' + esc(D.i18n.tOr('plate_status', s)) + '</div>';
    }).join('') + '<b>' + esc(t('legend.match')) + '</b>' + D.map.levels.map(function (l) {
      return '<div><span class="swatch" style="background:' + D.map.levelColour[l] + '"></span>' + esc(D.i18n.tOr('level', l)) + '</div>';
    }).join('');
  }

  function fillTowns() {
    var chosen = townSelect.value;
    townSelect.innerHTML = '<option value="">' + esc(t('town.all')) + '</option>' + towns.map(function (tw) {
      return '<option value="' + esc(tw.code) + '">' + esc(tw.name) + '</option>';
    }).join('');
    townSelect.value = chosen;
  }
  var townsReady = D.api.get('/api/v1/towns').then(function (data) {
    towns = data.towns;
    fillTowns();
    D.map.addDivisionLabels(towns, 4);
    document.dispatchEvent(new CustomEvent('diming:towns', { detail: towns }));
    return towns;
  });
  D.api.get('/api/v1/communities').then(function (data) { D.map.addDivisionLabels(data.communities, 5); }).catch(function () { /* labels only */ });

  function setTown(code, frame) {
    townSelect.value = code || '';
    var tw = towns.filter(function (x) { return x.code === code; })[0];
    D.map.setTown(code, frame && tw ? tw.bbox : null);
    D.url.set({ town: code || null });
  }
  townSelect.addEventListener('change', function () { setTown(townSelect.value, true); });

  document.querySelectorAll('#layers input').forEach(function (box) {
    box.addEventListener('change', function () { D.map.setVisible(box.dataset.layer, box.checked); });
  });

  // Names (text, pinyin, former names) and, for anything with a number, addresses. `stay`
  // keeps the view (a link restores its own view, then its search).
  function search(q, stay) {
    D.url.set({ q: q || null });
    var town = townSelect.value;
    var names = D.api.get('/api/v1/names?limit=8&q=' + encodeURIComponent(q) + (town ? '&town=' + encodeURIComponent(town) : ''));
    var addresses = /\d|[一二三四五六七八九十]号/.test(q) ? D.api.get('/api/v1/addresses?limit=3&q=' + encodeURIComponent(q)) : Promise.resolve({ hits: [] });
    return Promise.all([names, addresses]).then(function (both) {
      var items = [];
      both[1].hits.forEach(function (h) {
        if (!h.point) return;
        items.push({ text: h.standard_address, note: D.i18n.tOr('level', h.level), go: function () { D.map.markPoint(h.point); D.map.flyTo(h.point, 18); } });
      });
      // Towns and communities, then compounds (and the building asked for), then names.
      (both[0].divisions || []).forEach(function (d) {
        items.push({ text: d.name, note: t('search.division', { kind: D.i18n.tOr('division_kind', d.kind), parent: d.parent.name || '' }), go: function () {
          if (d.bbox) D.map.fitLonLat(d.bbox, 16);
        } });
      });
      (both[0].compounds || []).forEach(function (c) {
        var text = c.compound + (c.building ? c.building + '幢' : '');
        items.push({ text: text, note: t('search.compound', { road: c.road.name, n: c.plates }), go: function () {
          if (c.bbox) D.map.fitLonLat(c.bbox, 18);
          if (c.door_plate_id) showPlate(c.door_plate_id).catch(function () { /* the view moved anyway */ });
        } });
      });
      both[0].hits.forEach(function (h) {
        var note = h.pinyin + (h.former_name ? ' · ' + t('search.former', { name: h.former_name }) : '') + ' · ' + h.town.name +
          (h.fuzzy ? ' · ' + t(h.match === 'homophone' ? 'search.homophone' : 'search.typo') : '');
        items.push({ text: h.name, note: note, go: function () {
          if (h.bbox) D.map.fitLonLat(h.bbox, 17);
          D.api.get('/api/v1/names/' + h.id).then(function (r) { D.map.mark(r.geometry); }).catch(function () { /* the view moved anyway */ });
        } });
      });
      results.innerHTML = '';
      items.forEach(function (it) {
        var li = document.createElement('li');
        li.innerHTML = esc(it.text) + ' <span class="note">' + esc(it.note) + '</span>';
        li.addEventListener('click', it.go);
        results.appendChild(li);
      });
      if (items.length && !stay) items[0].go();
      if (!items.length) results.innerHTML = '<li class="note">' + esc(t('search.none')) + '</li>';
      return { hits: items.length, first: items.length ? items[0].text : null };
    });
  }
  document.getElementById('search').addEventListener('submit', function (e) {
    e.preventDefault();
    var q = document.getElementById('q').value.trim();
    if (q) search(q).catch(function (err) { results.innerHTML = '<li class="note">' + D.api.describe(err) + '</li>'; });
  });

  function show(title, rows, extra) {
    popup.innerHTML = '<button class="close" type="button" aria-label="' + esc(t('common.close')) + '">×</button><h3>' + esc(title) + '</h3><table>' +
      rows.map(function (r) { return '<tr><td>' + esc(r[0]) + '</td><td>' + esc(r[1]) + '</td></tr>'; }).join('') + '</table>' + (extra || '');
    popup.hidden = false;
    popup.querySelector('.close').addEventListener('click', function () { popup.hidden = true; D.url.set({ sel: null }); });
  }
  function showName(id) {
    return D.api.get('/api/v1/names/' + id).then(function (r) {
      var rows = [[t('record.pinyin'), r.pinyin], [t('record.category'), r.category.name], [t('record.town'), r.town.name],
                  [t('record.status'), D.i18n.tOr('name_status', r.status)], [t('record.approval'), r.approval.document],
                  [t('record.meaning'), r.meaning], [t('record.plates'), r.door_plates]];
      r.renamings.forEach(function (h) { rows.push([t('record.former_name'), h.former_name + ' (' + h.decision_doc + ', ' + h.effective_on + ')']); });
      if (r.coming_renaming) rows.push([t('committee.in_force'), t('committee.coming', { name: r.coming_renaming.new_name, date: r.coming_renaming.effective_on })]);
      show(r.name, rows);
      D.map.mark(r.geometry);
      D.url.set({ sel: 'name:' + id });
      return r;
    });
  }
  function showPlate(id) {
    return D.api.get('/api/v1/doorplates/' + id).then(function (p) {
      var rows = [[t('record.id'), p.id], [t('record.road'), p.place.name], [t('record.number'), (p.number || '') + (p.suffix ? '-' + p.suffix : '')],
                  [t('record.status'), D.i18n.tOr('plate_status', p.status)], [t('record.compound'), p.compound]];
      p.history.forEach(function (h) { rows.push([t('record.former_address'), h.former_address]); });
      p.issuances.forEach(function (i) { rows.push([D.i18n.tOr('issuance_kind', i.kind), D.i18n.tOr('issuance_status', i.status) + ' · ' + i.created_at.slice(0, 10)]); });
      show(p.standard_address, rows);
      D.map.markPoint(p.point);
      D.url.set({ sel: 'plate:' + id });
      document.dispatchEvent(new CustomEvent('diming:plate', { detail: p }));
      return p;
    });
  }

  // A click on the map: the record behind the feature, unless a screen has taken the click.
  D.map.map.on('singleclick', function (e) {
    if (D.clickMode && D.clickMode(e)) return;
    var features = D.map.featuresNear(e.pixel);
    if (!features.length) { popup.hidden = true; D.map.mark(null); D.url.set({ sel: null }); return; }
    var f = features[0];
    var layer = f.get('layer');
    if (layer === 'roads' || layer === 'place_names') showName(f.get('id'));
    else if (layer === 'door_plates') showPlate(f.get('id'));
    else {
      var props = f.getProperties();
      show(layer, Object.keys(props).filter(function (k) { return k !== 'layer' && k !== 'geometry'; }).map(function (k) { return [k, props[k]]; }));
    }
  });

  document.addEventListener('diming:lang', function () { legend(); fillTowns(); });
  legend();
  D.search = { search: search, setTown: setTown, townsReady: townsReady, showName: showName, showPlate: showPlate, towns: function () { return towns; } };
})(window.diming = window.diming || {});

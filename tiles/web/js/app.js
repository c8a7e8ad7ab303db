// Wires the workbench together: the language, the screens (tabs), the view and selection
// restored from the URL, and the page's self-test (?selftest=1: search 人民路, fly there,
// report what was drawn into #selftest for the browser test).
(function (D) {
  'use strict';
  var params = new URLSearchParams(window.location.search);
  var map = D.map.map;

  // Language: zh-CN unless chosen.
  var langSelect = document.getElementById('lang');
  var langReady = D.i18n.load(D.i18n.chosen()).then(function () { langSelect.value = D.i18n.lang(); });
  langSelect.addEventListener('change', function () { D.i18n.use(langSelect.value); });

  // Screens.
  function openTab(name) {
    var button = document.querySelector('.tabs [data-tab="' + name + '"]');
    if (!button || button.hidden) name = 'search';
    document.querySelectorAll('.tabs [data-tab]').forEach(function (b) { b.classList.toggle('active', b.dataset.tab === name); });
    document.querySelectorAll('section.tab').forEach(function (s) {
      s.classList.toggle('shown', s.id === 'tab-' + name);
    });
    D.url.set({ tab: name === 'search' ? null : name });
    if (name !== 'clerk' && D.clerk) D.clerk.stopPicking();
  }
  document.querySelectorAll('.tabs [data-tab]').forEach(function (b) {
    b.addEventListener('click', function () { openTab(b.dataset.tab); });
  });
  document.addEventListener('diming:session', function () {
    var active = document.querySelector('.tabs .active');
    openTab(D.url.get().tab || (active ? active.dataset.tab : 'search'));
  });
  openTab('search');

  // The view in the URL, as it moves.
  map.on('moveend', function () {
    var view = map.getView();
    var c = ol.proj.toLonLat(view.getCenter());
    D.url.set({ z: view.getZoom().toFixed(2), c: c[0].toFixed(5) + ',' + c[1].toFixed(5) });
  });

  // Restoring a link: its view, town, search (without moving the view) and selected record.
  var initial = D.url.initial;
  var restoredView = false;
  if (!params.get('selftest') && initial.z && initial.c) {
    var c = initial.c.split(',').map(Number);
    var z = Number(initial.z);
    if (c.length === 2 && isFinite(c[0]) && isFinite(c[1]) && isFinite(z)) {
      map.getView().setCenter(ol.proj.fromLonLat(c));
      map.getView().setZoom(z);
      restoredView = true;
    }
  }
  Promise.all([langReady, D.search.townsReady, D.session.ready]).then(function () {
    if (initial.town) D.search.setTown(initial.town, !restoredView);
    if (initial.q) {
      document.getElementById('q').value = initial.q;
      D.search.search(initial.q, restoredView).catch(function () { /* shown in the list */ });
    }
    var sel = /^(plate|name):(\d+)$/.exec(initial.sel || '');
    if (sel) (sel[1] === 'plate' ? D.search.showPlate(sel[2]) : D.search.showName(sel[2])).catch(function () { /* gone since */ });
    if (initial.tab) openTab(initial.tab);
  });
  if (!restoredView && !params.get('selftest') && !initial.town) {
    D.api.get('/tiles/tilejson.json').then(function (tj) { D.map.fitLonLat(tj.bounds, 12); });
  }

  // Self-test for the browser test: search 人民路, fly there, report what is drawn.
  if (params.get('selftest')) {
    var report = { search: null, center: null, zoom: null, features: 0, searched_road_drawn: false };
    var done = function () {
      report.errors = window.__errors;
      report.lang = D.i18n.lang();
      report.division_labels = D.map.labelCount();
      var out = document.getElementById('selftest');
      out.textContent = JSON.stringify(report);
      out.hidden = false;
      document.title = 'selftest done';
    };
    // Polls rather than waiting on render events, which a fast render can pass by.
    var waitFor = function (test, then, tries) {
      if (test()) return then(true);
      if (tries <= 0) return then(false);
      setTimeout(function () { waitFor(test, then, tries - 1); }, 200);
    };
    langReady.then(function () {
      waitFor(function () { return D.map.drawnFeatures().length > 0; }, function () {
        D.search.search('人民路').then(function (s) {
          report.search = { hits: s.hits, first: s.first };
          waitFor(function () {
            return D.map.drawnFeatures().some(function (f) { return f.get('layer') === 'roads' && f.get('name') === s.first; });
          }, function () {
            var view = map.getView();
            report.center = ol.proj.toLonLat(view.getCenter());
            report.zoom = view.getZoom();
            var features = D.map.drawnFeatures();
            report.features = features.length;
            report.searched_road_drawn = features.some(function (f) { return f.get('layer') === 'roads' && f.get('name') === s.first; });
            done();
          }, 100);
        }).catch(function (err) { window.__errors.push('selftest: ' + err.message); done(); });
      }, 100);
    });
  }
})(window.diming = window.diming || {});

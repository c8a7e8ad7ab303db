// The registry's web map: diming's vector tiles drawn with OpenLayers, a search over the
// lookup API, records on click, a layer switcher, a town filter and the match legend.
// ?basemap=URL-template adds a raster base map (none by default: the machine may be offline).
// ?selftest=1 searches 人民路, flies there and reports what was drawn in #selftest.
(function () {
  'use strict';
  var params = new URLSearchParams(window.location.search);
  var levels = [
    ['exact', '#1a9850', '完全一致 exact'], ['room', '#66bd63', '户室 room'], ['building', '#a6d96a', '楼栋 building'],
    ['plate', '#d9ef8b', '门牌 plate'], ['fuzzy', '#fee08b', '近似 fuzzy'], ['road', '#fdae61', '仅道路 road'],
    ['spatial', '#f46d43', '仅空间 spatial'], ['unmatched', '#d73027', '未匹配 unmatched']
  ];
  var levelColour = {};
  levels.forEach(function (l) { levelColour[l[0]] = l[1]; });
  var visible = { divisions: true, roads: true, place_names: true, door_plates: true, match_results: true };
  var town = '';

  var fill = function (c) { return new ol.style.Fill({ color: c }); };
  var stroke = function (c, w) { return new ol.style.Stroke({ color: c, width: w }); };
  var label = function (text, size, colour, placement) {
    return new ol.style.Text({
      text: text, font: size + 'px "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif', placement: placement || 'point',
      fill: fill(colour || '#222'), stroke: stroke('rgba(255,255,255,0.9)', 3), overflow: false
    });
  };
  var circles = {};
  function circle(colour, radius) {
    var key = colour + radius;
    if (!circles[key]) circles[key] = new ol.style.Circle({ radius: radius, fill: fill(colour), stroke: stroke('#fff', 1) });
    return circles[key];
  }

  function style(feature, resolution) {
    var layer = feature.get('layer');
    if (!visible[layer]) return null;
    var zoom = map.getView().getZoomForResolution(resolution);
    switch (layer) {
      case 'divisions':
        return new ol.style.Style({
          stroke: stroke(feature.get('level') === 4 ? '#7b5ea7' : '#b8a6d1', feature.get('level') === 4 ? 2 : 1),
          fill: fill('rgba(123,94,167,0.03)'),
          text: zoom < 14 && feature.get('level') === 4 ? label(feature.get('name'), 14, '#5a3f85') : undefined
        });
      case 'roads':
        return new ol.style.Style({
          stroke: stroke(feature.get('status') === 'proposed' ? '#e08214' : '#ffffff', zoom >= 15 ? 7 : 4),
          text: zoom >= 13 ? label(feature.get('name'), 13, '#333', 'line') : undefined,
          zIndex: 1
        });
      case 'place_names':
        return new ol.style.Style({ image: circle('#8c510a', 4), text: label(feature.get('name'), 12, '#8c510a') });
      case 'door_plates':
        return new ol.style.Style({
          image: circle(feature.get('status') === 'planned' ? '#e08214' : '#2166ac', 3),
          text: zoom >= 17 ? label(feature.get('number'), 11, '#2166ac') : undefined,
          zIndex: 2
        });
      case 'match_results':
        return new ol.style.Style({ image: circle(levelColour[feature.get('level')] || '#999', 3), zIndex: 3 });
    }
    return null;
  }

  var tiles = new ol.layer.VectorTile({
    source: new ol.source.VectorTile({ format: new ol.format.MVT(), url: '/tiles/{z}/{x}/{y}.mvt', maxZoom: 20 }),
    style: style,
    declutter: true
  });
  // Roads are drawn as white lines: a grey casing underneath makes them read on the plain ground.
  var casing = new ol.layer.VectorTile({
    source: tiles.getSource(),
    style: function (f, r) {
      if (f.get('layer') !== 'roads' || !visible.roads) return null;
      return new ol.style.Style({ stroke: stroke('#b0a99a', map.getView().getZoomForResolution(r) >= 15 ? 9 : 6) });
    }
  });
  var layers = [];
  if (params.get('basemap')) layers.push(new ol.layer.Tile({ source: new ol.source.XYZ({ url: params.get('basemap') }) }));
  layers.push(casing, tiles);
  var map = new ol.Map({
    target: 'map',
    layers: layers,
    view: new ol.View({ center: ol.proj.fromLonLat([121.05, 30.70]), zoom: 11, maxZoom: 20 })
  });

  function fitLonLat(bbox, maxZoom) {
    var extent = ol.proj.transformExtent(bbox, 'EPSG:4326', 'EPSG:3857');
    map.getView().fit(extent, { maxZoom: maxZoom || 17, padding: [40, 40, 40, 360], duration: params.get('selftest') ? 0 : 600 });
  }
  function flyTo(lonlat, zoom) {
    map.getView().animate({ center: ol.proj.fromLonLat(lonlat), zoom: zoom, duration: params.get('selftest') ? 0 : 600 });
  }

  // Legend and layer switcher.
  var legend = document.getElementById('legend');
  legend.innerHTML = '<b>比对等级 match level</b>' + levels.map(function (l) {
    return '<div><span class="swatch" style="background:' + l[1] + '"></span>' + l[2] + '</div>';
  }).join('');
  Array.prototype.forEach.call(document.querySelectorAll('#layers input'), function (box) {
    box.addEventListener('change', function () {
      visible[box.dataset.layer] = box.checked;
      tiles.changed();
      casing.changed();
    });
  });

  function getJSON(url) {
    return fetch(url).then(function (r) {
      if (!r.ok) return r.json().then(function (e) { throw new Error(e.message || r.statusText); });
      return r.json();
    });
  }
  function escapeHtml(s) {
    return String(s === null || s === undefined ? '' : s).replace(/[&<>"]/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' }[c];
    });
  }

  // Town filter: zooms to the town and narrows the search.
  var townSelect = document.getElementById('town');
  getJSON('/api/v1/towns').then(function (data) {
    data.towns.forEach(function (t) {
      var o = document.createElement('option');
      o.value = t.code;
      o.textContent = t.name;
      o.dataset.bbox = t.bbox ? JSON.stringify(t.bbox) : '';
      townSelect.appendChild(o);
    });
  });
  townSelect.addEventListener('change', function () {
    town = townSelect.value;
    var o = townSelect.selectedOptions[0];
    if (o && o.dataset.bbox) fitLonLat(JSON.parse(o.dataset.bbox), 14);
  });

  // Search: names (text, pinyin, former names) and, for anything with a number, addresses.
  var results = document.getElementById('results');
  function search(q) {
    var townParam = town ? '&town=' + encodeURIComponent(town) : '';
    var names = getJSON('/api/v1/names?limit=8&q=' + encodeURIComponent(q) + townParam);
    var addresses = /\d|[一二三四五六七八九十]号/.test(q) ? getJSON('/api/v1/addresses?limit=3&q=' + encodeURIComponent(q)) : Promise.resolve({ hits: [] });
    return Promise.all([names, addresses]).then(function (both) {
      var items = [];
      both[1].hits.forEach(function (h) {
        if (h.point) items.push({ text: h.standard_address, note: h.level + ' ' + (h.notes ? h.notes.join('; ') : ''), go: function () { flyTo(h.point, 18); } });
      });
      both[0].hits.forEach(function (h) {
        var note = h.pinyin + (h.former_name ? ' · 原名 ' + h.former_name : '') + ' · ' + h.town.name;
        items.push({ text: h.name, note: note, go: function () { if (h.bbox) fitLonLat(h.bbox, 17); } });
      });
      results.innerHTML = '';
      items.forEach(function (it) {
        var li = document.createElement('li');
        li.innerHTML = escapeHtml(it.text) + ' <span class="note">' + escapeHtml(it.note) + '</span>';
        li.addEventListener('click', it.go);
        results.appendChild(li);
      });
      if (items.length) items[0].go();
      else results.innerHTML = '<li class="note">没有结果 no results</li>';
      return { hits: items.length, first: items.length ? items[0].text : null, go: items.length ? items[0].go : null };
    });
  }
  document.getElementById('search').addEventListener('submit', function (e) {
    e.preventDefault();
    var q = document.getElementById('q').value.trim();
    if (q) search(q).catch(function (err) { results.innerHTML = '<li class="note">' + escapeHtml(err.message) + '</li>'; });
  });

  // A click shows the record behind a feature.
  var popup = document.getElementById('popup');
  function show(title, rows) {
    popup.innerHTML = '<h3>' + escapeHtml(title) + '</h3><table>' + rows.map(function (r) {
      return '<tr><td>' + escapeHtml(r[0]) + '</td><td>' + escapeHtml(r[1]) + '</td></tr>';
    }).join('') + '</table>';
    popup.hidden = false;
  }
  map.on('singleclick', function (e) {
    var features = map.getFeaturesAtPixel(e.pixel, { hitTolerance: 4, layerFilter: function (l) { return l === tiles; } });
    if (!features.length) { popup.hidden = true; return; }
    var f = features[0];
    var layer = f.get('layer');
    if (layer === 'roads' || layer === 'place_names') {
      getJSON('/api/v1/names/' + f.get('id')).then(function (r) {
        var rows = [['拼音', r.pinyin], ['类别', r.category.name], ['乡镇', r.town.name], ['状态', r.status], ['批准文号', r.approval.document],
                    ['含义', r.meaning], ['门牌数', r.door_plates]];
        r.renamings.forEach(function (h) { rows.push(['曾用名', h.former_name + ' (' + h.decision_doc + ', ' + h.effective_on + ')']); });
        show(r.name, rows);
      });
    } else if (layer === 'door_plates') {
      getJSON('/api/v1/doorplates/' + f.get('id')).then(function (p) {
        var rows = [['道路', p.place.name], ['门牌号', f.get('number')], ['状态', p.status], ['小区', p.compound]];
        p.history.forEach(function (h) { rows.push(['原地址', h.former_address]); });
        show(p.standard_address, rows);
      });
    } else {
      var props = f.getProperties();
      show(layer, Object.keys(props).filter(function (k) { return k !== 'layer' && k !== 'geometry'; }).map(function (k) { return [k, props[k]]; }));
    }
  });

  fetch('/tiles/tilejson.json').then(function (r) { return r.json(); }).then(function (tj) {
    if (!params.get('selftest')) fitLonLat(tj.bounds, 12);
  });

  // Self-test for the browser test: search 人民路, fly there, report what is drawn.
  if (params.get('selftest')) {
    var report = { search: null, center: null, zoom: null, features: 0, searched_road_drawn: false };
    var done = function () {
      report.errors = window.__errors;
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
    var drawn = function () {
      var view = map.getView();
      return tiles.getFeaturesInExtent(view.calculateExtent(map.getSize()));
    };
    waitFor(function () { return drawn().length > 0; }, function () {
      search('人民路').then(function (s) {
        report.search = { hits: s.hits, first: s.first };
        waitFor(function () {
          return drawn().some(function (f) { return f.get('layer') === 'roads' && f.get('name') === s.first; });
        }, function () {
          var view = map.getView();
          report.center = ol.proj.toLonLat(view.getCenter());
          report.zoom = view.getZoom();
          var features = drawn();
          report.features = features.length;
          report.searched_road_drawn = features.some(function (f) { return f.get('layer') === 'roads' && f.get('name') === s.first; });
          done();
        }, 100);
      }).catch(function (err) { window.__errors.push('selftest: ' + err.message); done(); });
    }, 100);
  }
})();

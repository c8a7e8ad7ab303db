// The map: diming's vector tiles drawn with OpenLayers, town and community labels placed
// once each, a highlight layer (search hits, the selected record, a renaming's plates), a
// scale bar, and the view kept in the URL so that a link shows a colleague the same place.
// ?basemap=URL-template adds a raster base map (none by default: the machine may be offline).
(function (D) {
  'use strict';
  var params = new URLSearchParams(window.location.search);
  var instant = !!params.get('selftest');
  var levels = ['exact', 'room', 'building', 'plate', 'fuzzy', 'road', 'spatial', 'unmatched'];
  var levelColour = { exact: '#1a9850', room: '#66bd63', building: '#a6d96a', plate: '#d9ef8b', fuzzy: '#fee08b', road: '#fdae61', spatial: '#f46d43', unmatched: '#d73027' };
  var plateColour = { planned: '#e08214', active: '#2166ac', cancelled: '#8a8a8a' };
  var visible = { divisions: true, roads: true, place_names: true, door_plates: true, match_results: true };
  var state = { town: '', highlightPlates: null };

  var fill = function (c) { return new ol.style.Fill({ color: c }); };
  var stroke = function (c, w, dash) { return new ol.style.Stroke({ color: c, width: w, lineDash: dash }); };
  var font = function (size, bold) { return (bold ? 'bold ' : '') + size + 'px "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif'; };
  var label = function (text, size, colour, placement, bold) {
    return new ol.style.Text({
      text: text, font: font(size, bold), placement: placement || 'point',
      fill: fill(colour || '#222'), stroke: stroke('rgba(255,255,255,0.9)', 3), overflow: false
    });
  };
  var cache = {};
  function once(key, make) { if (!cache[key]) cache[key] = make(); return cache[key]; }

  // Plates: planned a ring, active a dot, cancelled a grey dot with a cross.
  function plateImage(status, big) {
    var r = big ? 6 : 3.5;
    return once('plate' + status + big, function () {
      // declutterMode none: a plate is always drawn; only labels give way.
      if (status === 'planned') return new ol.style.Circle({ radius: r, fill: fill('#fff'), stroke: stroke(plateColour.planned, 2), declutterMode: 'none' });
      if (status === 'cancelled') return new ol.style.RegularShape({ points: 4, radius: r + 1, radius2: 0, angle: Math.PI / 4, stroke: stroke(plateColour.cancelled, 2), declutterMode: 'none' });
      return new ol.style.Circle({ radius: r, fill: fill(plateColour.active), stroke: stroke('#fff', 1), declutterMode: 'none' });
    });
  }

  // Declutter keeps the labels of higher zIndex: road names (20) over plate numbers (5).
  function style(feature, resolution) {
    var layer = feature.get('layer');
    if (!visible[layer]) return null;
    var zoom = map.getView().getZoomForResolution(resolution);
    switch (layer) {
      case 'divisions': {
        var chosen = state.town && feature.get('code') === state.town;
        var town = feature.get('level') === 4;
        return new ol.style.Style({
          stroke: stroke(chosen ? '#d7301f' : town ? '#7b5ea7' : '#b8a6d1', chosen ? 3 : town ? 2 : 1, town || chosen ? undefined : [4, 4]),
          fill: fill(chosen ? 'rgba(215,48,31,0.06)' : 'rgba(123,94,167,0.02)'),
          zIndex: chosen ? 1 : 0
        });
      }
      case 'roads': {
        var line = new ol.style.Style({ stroke: stroke(feature.get('status') === 'proposed' ? '#e08214' : '#ffffff', zoom >= 15 ? 7 : 4), zIndex: 1 });
        if (zoom < 13) return line;
        return [line, new ol.style.Style({ text: label(feature.get('name'), zoom >= 16 ? 15 : 13, '#222', 'line', zoom >= 16), zIndex: 20 })];
      }
      case 'place_names':
        return new ol.style.Style({ image: once('pn', function () { return new ol.style.Circle({ radius: 4, fill: fill('#8c510a'), stroke: stroke('#fff', 1) }); }),
                                    text: label(feature.get('name'), 12, '#8c510a'), zIndex: 15 });
      case 'door_plates': {
        var status = feature.get('status');
        var lit = state.highlightPlates && state.highlightPlates[feature.get('id')];
        var styles = [new ol.style.Style({ image: plateImage(status, lit), zIndex: lit ? 30 : 2 })];
        if (lit) styles.push(new ol.style.Style({ image: once('halo', function () { return new ol.style.Circle({ radius: 10, stroke: stroke('#d7301f', 2), declutterMode: 'none' }); }), zIndex: 29 }));
        if (zoom >= 17) {
          styles.push(new ol.style.Style({ text: label(feature.get('number'), 11, plateColour[status] || '#2166ac'), zIndex: lit ? 31 : 5 }));
          styles[styles.length - 1].getText().setOffsetY(-10);
        }
        return styles;
      }
      case 'match_results':
        return new ol.style.Style({ image: once('m' + feature.get('level'), function () {
          return new ol.style.Circle({ radius: 3, fill: fill(levelColour[feature.get('level')] || '#999'), stroke: stroke('#fff', 1), declutterMode: 'none' });
        }), zIndex: 3 });
    }
    return null;
  }

  var tiles = new ol.layer.VectorTile({
    source: new ol.source.VectorTile({ format: new ol.format.MVT(), url: '/tiles/{z}/{x}/{y}.mvt', maxZoom: 20 }),
    style: style,
    declutter: true
  });
  // Roads are white lines: a grey casing underneath makes them read on the plain ground.
  var casing = new ol.layer.VectorTile({
    source: tiles.getSource(),
    style: function (f, r) {
      if (f.get('layer') !== 'roads' || !visible.roads) return null;
      return new ol.style.Style({ stroke: stroke('#b0a99a', map.getView().getZoomForResolution(r) >= 15 ? 9 : 6) });
    }
  });
  // Town and community names, one label each (from the API), where tiles would repeat a
  // polygon's label in every tile it crosses.
  var divisionLabels = new ol.source.Vector();
  var labels = new ol.layer.Vector({
    source: divisionLabels,
    declutter: true,
    style: function (f, r) {
      if (!visible.divisions) return null;
      var zoom = map.getView().getZoomForResolution(r);
      var town = f.get('level') === 4;
      if (town ? zoom >= 14 : (zoom < 13 || zoom >= 17)) return null;
      return new ol.style.Style({ text: label(f.get('name'), town ? 15 : 12, town ? '#5a3f85' : '#7b6a9a', 'point', town), zIndex: town ? 12 : 8 });
    }
  });
  // What the page points at: a search hit, the selected record, a drawn geometry.
  var highlights = new ol.source.Vector();
  var highlightLayer = new ol.layer.Vector({
    source: highlights,
    style: function (f) {
      var g = f.getGeometry().getType();
      if (g === 'Point' && f.get('side') === 'civil') {
        return new ol.style.Style({ image: once('civil-pin', function () {
          return new ol.style.RegularShape({ points: 4, radius: 8, angle: Math.PI / 4, fill: fill('#1a9850'), stroke: stroke('#fff', 2) });
        }) });
      }
      if (g === 'Point') {
        return [new ol.style.Style({ image: once('pin', function () {
          return new ol.style.RegularShape({ points: 3, radius: 9, rotation: Math.PI, displacement: [0, 9], fill: fill('#d7301f'), stroke: stroke('#fff', 2) });
        }) })];
      }
      return new ol.style.Style({ stroke: stroke('rgba(215,48,31,0.85)', 5), fill: fill('rgba(215,48,31,0.08)') });
    },
    zIndex: 50
  });

  var layers = [];
  if (params.get('basemap')) layers.push(new ol.layer.Tile({ source: new ol.source.XYZ({ url: params.get('basemap') }) }));
  layers.push(casing, tiles, labels, highlightLayer);
  var map = new ol.Map({
    target: 'map',
    layers: layers,
    controls: ol.control.defaults.defaults().extend([new ol.control.ScaleLine({ units: 'metric', bar: true, steps: 4, minWidth: 120 })]),
    view: new ol.View({ center: ol.proj.fromLonLat([121.05, 30.70]), zoom: 11, maxZoom: 20 })
  });

  function fitLonLat(bbox, maxZoom) {
    var extent = ol.proj.transformExtent(bbox, 'EPSG:4326', 'EPSG:3857');
    map.getView().fit(extent, { maxZoom: maxZoom || 17, padding: [60, 40, 40, 400], duration: instant ? 0 : 600 });
  }
  function flyTo(lonlat, zoom) {
    map.getView().animate({ center: ol.proj.fromLonLat(lonlat), zoom: zoom, duration: instant ? 0 : 600 });
  }
  function mark(geojson) {
    highlights.clear();
    if (!geojson) return;
    var f = new ol.format.GeoJSON().readFeature({ type: 'Feature', geometry: geojson }, { dataProjection: 'EPSG:4326', featureProjection: 'EPSG:3857' });
    highlights.addFeature(f);
  }
  function markPoint(lonlat) { mark({ type: 'Point', coordinates: lonlat }); }
  // A police record and the civil plate it is linked to: two pins and the line between.
  function markPair(police, civil) {
    highlights.clear();
    var geo = function (g) { return new ol.format.GeoJSON().readGeometry(g, { dataProjection: 'EPSG:4326', featureProjection: 'EPSG:3857' }); };
    if (police && civil) highlights.addFeature(new ol.Feature({ geometry: geo({ type: 'LineString', coordinates: [police, civil] }) }));
    if (civil) highlights.addFeature(new ol.Feature({ geometry: geo({ type: 'Point', coordinates: civil }), side: 'civil' }));
    if (police) highlights.addFeature(new ol.Feature({ geometry: geo({ type: 'Point', coordinates: police }), side: 'police' }));
    var extent = highlights.getExtent();
    if (police || civil) map.getView().fit(extent, { maxZoom: 18, padding: [80, 80, 80, 420], duration: instant ? 0 : 300 });
  }

  function setTown(code, bbox) {
    state.town = code || '';
    tiles.changed();
    if (bbox) fitLonLat(bbox, 14);
  }
  function setVisible(layer, on) {
    visible[layer] = on;
    tiles.changed();
    casing.changed();
    labels.changed();
  }
  function highlightPlates(ids) {
    state.highlightPlates = null;
    if (ids && ids.length) {
      state.highlightPlates = {};
      ids.forEach(function (id) { state.highlightPlates[id] = true; });
    }
    tiles.changed();
  }

  function addDivisionLabels(list, level) {
    list.forEach(function (d) {
      if (!d.label_point) return;
      var f = new ol.Feature({ geometry: new ol.geom.Point(ol.proj.fromLonLat(d.label_point)), name: d.name, level: level, code: d.code });
      divisionLabels.addFeature(f);
    });
  }

  // Tile features near a pixel, nearest first; `layerName` narrows them.
  function featuresNear(pixel, layerName, tolerance) {
    var found = map.getFeaturesAtPixel(pixel, { hitTolerance: tolerance || 4, layerFilter: function (l) { return l === tiles; } }) || [];
    return found.filter(function (f) { return !layerName || f.get('layer') === layerName; });
  }
  function drawnFeatures() {
    return tiles.getFeaturesInExtent(map.getView().calculateExtent(map.getSize()));
  }
  function refreshTiles() {
    tiles.getSource().refresh();
  }
  function lonLatOf(pixel) { return ol.proj.toLonLat(map.getCoordinateFromPixel(pixel)); }

  D.map = {
    map: map, tiles: tiles, levels: levels, levelColour: levelColour, plateColour: plateColour,
    fitLonLat: fitLonLat, flyTo: flyTo, mark: mark, markPoint: markPoint, markPair: markPair, setTown: setTown, setVisible: setVisible,
    highlightPlates: highlightPlates, addDivisionLabels: addDivisionLabels, featuresNear: featuresNear,
    drawnFeatures: drawnFeatures, refreshTiles: refreshTiles, lonLatOf: lonLatOf, instant: instant,
    labelCount: function () { return divisionLabels.getFeatures().length; }
  };
})(window.diming = window.diming || {});

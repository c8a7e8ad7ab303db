// The map of a plate's public page: the registry's vector tiles around the plate, and the
// plate marked. Its position comes from the page (data-lon, data-lat on #map).
(function () {
  'use strict';
  var el = document.getElementById('map');
  if (!el || typeof ol === 'undefined') return;
  var lonlat = [parseFloat(el.dataset.lon), parseFloat(el.dataset.lat)];
  var at = ol.proj.fromLonLat(lonlat);
  var roads = new ol.style.Style({ stroke: new ol.style.Stroke({ color: '#9aa4b1', width: 3 }) });
  var tiles = new ol.layer.VectorTile({
    source: new ol.source.VectorTile({ format: new ol.format.MVT(), url: '/tiles/{z}/{x}/{y}.mvt', maxZoom: 20 }),
    style: function (f) { return f.get('layer') === 'roads' ? roads : null; }
  });
  var marker = new ol.layer.Vector({
    source: new ol.source.Vector({ features: [new ol.Feature(new ol.geom.Point(at))] }),
    style: new ol.style.Style({
      image: new ol.style.Circle({ radius: 8, fill: new ol.style.Fill({ color: '#c8102e' }), stroke: new ol.style.Stroke({ color: '#fff', width: 2 }) })
    })
  });
  new ol.Map({ target: el, layers: [tiles, marker], view: new ol.View({ center: at, zoom: 17 }) });
}());

// The page's state in the URL hash, so that a link shows a colleague the same thing: the
// view (#z=16.5&c=121.0051,30.7003), the search (q), the town, the selected record
// (sel=plate:12 or sel=name:3) and the open screen (tab). Replaced, not pushed: the back
// button leaves the page rather than stepping through every pan.
(function (D) {
  'use strict';
  var keys = ['z', 'c', 'q', 'town', 'sel', 'tab'];
  function read() {
    var out = {};
    new URLSearchParams(window.location.hash.replace(/^#/, '')).forEach(function (v, k) { if (keys.indexOf(k) >= 0) out[k] = v; });
    return out;
  }
  var current = read();
  function set(changes) {
    Object.keys(changes).forEach(function (k) {
      if (changes[k] === null || changes[k] === undefined || changes[k] === '') delete current[k];
      else current[k] = String(changes[k]);
    });
    var p = new URLSearchParams();
    keys.forEach(function (k) { if (current[k] !== undefined) p.set(k, current[k]); });
    var hash = p.toString();
    window.history.replaceState(null, '', window.location.pathname + window.location.search + (hash ? '#' + hash : ''));
  }
  D.url = { initial: read(), get: function () { return Object.assign({}, current); }, set: set };
})(window.diming = window.diming || {});

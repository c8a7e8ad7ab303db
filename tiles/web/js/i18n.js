// The page's words: zh-CN first, English second, from i18n/<lang>.json. Elements carry
// data-i18n (text), data-i18n-placeholder or data-i18n-title; statuses, levels, reasons and
// errors go through t() with their key ('issuance_status.approved').
(function (D) {
  'use strict';
  var strings = {};
  var lang = 'zh-CN';
  var known = ['zh-CN', 'en'];

  function chosen() {
    var asked = new URLSearchParams(window.location.search).get('lang');
    if (known.indexOf(asked) >= 0) return asked;
    try {
      var saved = window.localStorage.getItem('diming.lang');
      if (known.indexOf(saved) >= 0) return saved;
    } catch (e) { /* storage refused: the default */ }
    return 'zh-CN';
  }

  function t(key, vars) {
    var s = Object.prototype.hasOwnProperty.call(strings, key) ? strings[key] : key;
    if (vars) s = s.replace(/\{(\w+)\}/g, function (m, k) { return vars[k] === undefined || vars[k] === null ? '' : String(vars[k]); });
    return s;
  }
  // A key that may not exist (a status the page does not know yet): the raw value then.
  function tOr(prefix, value) {
    var key = prefix + '.' + value;
    return Object.prototype.hasOwnProperty.call(strings, key) ? strings[key] : String(value);
  }

  function apply(root) {
    (root || document).querySelectorAll('[data-i18n]').forEach(function (el) { el.textContent = t(el.dataset.i18n); });
    (root || document).querySelectorAll('[data-i18n-placeholder]').forEach(function (el) { el.placeholder = t(el.dataset.i18nPlaceholder); });
    (root || document).querySelectorAll('[data-i18n-title]').forEach(function (el) { el.title = t(el.dataset.i18nTitle); });
  }

  function load(which) {
    return fetch('i18n/' + which + '.json').then(function (r) {
      if (!r.ok) throw new Error('i18n/' + which + '.json: ' + r.status);
      return r.json();
    }).then(function (s) {
      strings = s;
      lang = which;
      document.documentElement.lang = which;
      document.title = t('app.title');
      apply(document);
      document.dispatchEvent(new CustomEvent('diming:lang', { detail: which }));
    });
  }

  function use(which) {
    try { window.localStorage.setItem('diming.lang', which); } catch (e) { /* not kept */ }
    return load(which);
  }

  D.i18n = { t: t, tOr: tOr, apply: apply, load: load, use: use, chosen: chosen, lang: function () { return lang; }, known: known };
  D.t = t;
})(window.diming = window.diming || {});

// Calls to diming's API from the page: JSON in and out, the session cookie sent by the
// browser, the session's CSRF token on every write. Errors become ApiError with the
// server's code and field, shown in the page's language by describe().
(function (D) {
  'use strict';
  function ApiError(status, body) {
    this.name = 'ApiError';
    this.status = status;
    this.code = (body && body.error) || (status === 0 ? 'network' : 'internal_error');
    this.field = (body && body.field) || null;
    this.message = (body && body.message) || String(status);
    this.body = body || {};
  }
  ApiError.prototype = Object.create(Error.prototype);

  var api = { csrf: null, onSessionEnded: null };

  // body: an object (sent as JSON) or a File / Blob (sent as it is, with its type).
  api.request = function (method, url, body) {
    var headers = {};
    var raw = typeof Blob !== 'undefined' && body instanceof Blob;
    if (body !== undefined) headers['Content-Type'] = raw ? (body.type || 'application/octet-stream') : 'application/json';
    if (method !== 'GET' && api.csrf) headers['X-CSRF-Token'] = api.csrf;
    return fetch(url, { method: method, headers: headers, credentials: 'same-origin', body: body === undefined ? undefined : raw ? body : JSON.stringify(body) })
      .catch(function () { throw new ApiError(0, null); })
      .then(function (r) {
        if (r.status === 204) return null;
        return r.text().then(function (text) {
          var parsed = null;
          try { parsed = text ? JSON.parse(text) : null; } catch (e) { parsed = null; }
          if (r.status === 422 && parsed && parsed.rows) return parsed; // a batch refused row by row: the rows say why
          if (!r.ok) {
            var err = new ApiError(r.status, parsed);
            if (err.code === 'session_ended' && api.onSessionEnded) api.onSessionEnded();
            throw err;
          }
          return parsed;
        });
      });
  };
  api.get = function (url) { return api.request('GET', url); };
  api.post = function (url, body) { return api.request('POST', url, body === undefined ? {} : body); };
  api.del = function (url) { return api.request('DELETE', url); };

  function escapeHtml(s) {
    return String(s === null || s === undefined ? '' : s).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  // An error as HTML: what happened in the page's language, the field, then the server's own words.
  api.describe = function (err) {
    if (!(err instanceof ApiError)) return escapeHtml(err && err.message ? err.message : String(err));
    var head = D.t('error.' + err.code);
    if (err.field) head += ' — ' + D.i18n.tOr('field', err.field);
    var html = '<span class="err-head">' + escapeHtml(head) + '</span>';
    if (err.body.conflicts && err.body.conflicts.length) {
      html += '<ul class="conflicts">' + err.body.conflicts.map(function (c) {
        return '<li>' + escapeHtml(D.i18n.tOr('conflict', c.kind)) + (c.blocking ? ' ' + escapeHtml(D.t('conflict.blocking')) : '') +
          (D.conflictText ? ': ' + escapeHtml(D.conflictText(c)) : '') + '</li>';
      }).join('') + '</ul>';
    }
    if (err.message && err.code !== 'network') html += '<small class="err-detail">' + escapeHtml(D.t('error.detail')) + ': ' + escapeHtml(err.message) + '</small>';
    return html;
  };

  D.api = api;
  D.ApiError = ApiError;
  D.escapeHtml = escapeHtml;
  // Today in China (UTC+8), for date fields' defaults.
  D.today = function () { return new Date(Date.now() + 8 * 3600 * 1000).toISOString().slice(0, 10); };
  // Shows a message (HTML) in a status line; kind: ok | error | info.
  D.say = function (el, html, kind) {
    el.innerHTML = html;
    el.className = 'status-line ' + (kind || 'info');
    el.hidden = !html;
  };
})(window.diming = window.diming || {});

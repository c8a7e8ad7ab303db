// Signing in: the token from `diming token create` is exchanged once for a session cookie
// (HttpOnly: the page never sees it) and a CSRF token the page sends with its writes. The
// role decides which screens and buttons exist: elements with data-role="clerk committee"
// are there only for those roles (and admin).
(function (D) {
  'use strict';
  var t = D.t, esc = D.escapeHtml;
  var who = null;
  var badge = document.getElementById('who');
  var signInButton = document.getElementById('sign-in');
  var signOutButton = document.getElementById('sign-out');
  var dialog = document.getElementById('sign-in-dialog');
  var form = document.getElementById('sign-in-form');
  var message = document.getElementById('sign-in-message');

  function may(role) { return !!who && (who.role === role || who.role === 'admin'); }

  function render() {
    document.querySelectorAll('[data-role]').forEach(function (el) {
      var allowed = el.dataset.role.split(' ').some(may);
      el.hidden = !allowed;
    });
    if (who) {
      badge.textContent = t('session.signed_in_as', { name: who.name, role: D.i18n.tOr('role', who.role) });
      badge.title = who.expires_at ? t('session.expires', { at: who.expires_at }) : '';
    } else {
      badge.textContent = t('session.not_signed_in');
      badge.title = '';
    }
    signInButton.hidden = !!who;
    signOutButton.hidden = !who;
    document.body.dataset.signedInRole = who ? who.role : '';
    document.dispatchEvent(new CustomEvent('diming:session', { detail: who }));
  }

  function set(session) {
    who = session;
    D.api.csrf = session ? session.csrf_token : null;
    render();
  }

  var ready = D.api.get('/api/v1/session').then(set, function () { set(null); });

  D.api.onSessionEnded = function () {
    set(null);
    D.say(message, esc(t('session.ended')), 'error');
    if (!dialog.open) dialog.showModal();
  };

  signInButton.addEventListener('click', function () {
    D.say(message, '', 'info');
    dialog.showModal();
    form.elements.token.focus();
  });
  document.getElementById('sign-in-cancel').addEventListener('click', function () { dialog.close(); });
  form.addEventListener('submit', function (e) {
    e.preventDefault();
    D.api.post('/api/v1/session', { token: form.elements.token.value.trim() }).then(function (s) {
      form.reset();
      dialog.close();
      set(s);
    }, function (err) { D.say(message, D.api.describe(err), 'error'); });
  });
  signOutButton.addEventListener('click', function () {
    D.api.del('/api/v1/session').then(function () { set(null); }, function () { set(null); });
  });
  document.addEventListener('diming:lang', render);

  D.session = { ready: ready, who: function () { return who; }, may: may };
})(window.diming = window.diming || {});

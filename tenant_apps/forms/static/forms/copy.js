// The patient's copy page (/forms/copy#<token>, tenant_apps/forms/copy_pages.py):
// the token travels in the address's fragment, which the browser never sends.
// Move it into the form's hidden field and drop it from the address bar and
// history, so it is neither shared nor bookmarked by accident.
"use strict";

(function () {
  var field = document.getElementById("token");
  if (!field) {
    return;
  }
  var token = window.location.hash.replace(/^#/, "");
  if (token) {
    field.value = token;
    window.history.replaceState(null, "", window.location.pathname);
  }
  var form = document.getElementById("copy-form");
  var missing = document.getElementById("missing-link");
  if (!field.value && form && missing) {
    form.hidden = true;
    missing.hidden = false;
  }
})();

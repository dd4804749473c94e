// The console's only script: no inline code anywhere (the CSP allows none).
// 1. Idle sign-out: the server ends a session after `data-idle-timeout` seconds
//    without a request; the page follows it to the sign-in page rather than
//    leaving a stale screen whose next click would fail.
// 2. Forms marked data-confirm ask before they act (suspend, impersonate...).
// 3. Elements marked data-poll="<url>" reload their content from that URL every
//    second until it answers with data-done (provisioning progress).
(function () {
  "use strict";
  const body = document.body;
  const timeout = Number(body.dataset.idleTimeout || 0);
  if (timeout > 0 && document.querySelector(".who")) {
    window.setTimeout(function () {
      window.location.assign(body.dataset.loginUrl + "?next=" + encodeURIComponent(window.location.pathname));
    }, (timeout + 2) * 1000);
  }
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
  function poll(element) {
    window.fetch(element.dataset.poll, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) { return response.text(); })
      .then(function (html) {
        const holder = document.createElement("template");
        holder.innerHTML = html;  // server-rendered by the console itself, same origin
        element.replaceChildren(holder.content);
        if (!element.querySelector("[data-done]")) { window.setTimeout(function () { poll(element); }, 1000); }
      })
      .catch(function () { window.setTimeout(function () { poll(element); }, 2000); });
  }
  document.querySelectorAll("[data-poll]").forEach(function (element) {
    if (!element.querySelector("[data-done]")) { window.setTimeout(function () { poll(element); }, 500); }
  });
})();

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

// --- Provisioning form: a live check of the address (console/provision.html) ----------------
// An input marked data-slug-check="<url>" asks <url>?slug=<value> (GET, JSON) once typing
// pauses and shows the answer in the [data-slug-result] element beside it. The form's POST
// checks again; this only spares a round trip.
(function () {
  "use strict";
  document.querySelectorAll("input[data-slug-check]").forEach(function (input) {
    const result = input.parentElement && input.parentElement.querySelector("[data-slug-result]");
    if (!result) { return; }
    let timer = 0;
    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      const slug = input.value.trim().toLowerCase();
      if (!slug) { return; }
      timer = window.setTimeout(function () {
        window.fetch(input.dataset.slugCheck + "?slug=" + encodeURIComponent(slug),
          { credentials: "same-origin", headers: { "Accept": "application/json" } })
          .then(function (response) { return response.ok ? response.json() : null; })
          .then(function (answer) {
            if (!answer || input.value.trim().toLowerCase() !== answer.slug) { return; }
            result.textContent = answer.message;
            result.classList.toggle("free", answer.available);
            result.classList.toggle("taken", !answer.available);
          })
          .catch(function () { /* the POST checks anyway */ });
      }, 300);
    });
  });
})();

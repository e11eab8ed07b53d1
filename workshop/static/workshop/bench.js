/* Bench screens: keep the scan field focused and ready, the way a barcode scanner expects.
   Everything works without this file; it only saves keystrokes. */
(function () {
  "use strict";

  function scanField() {
    return document.querySelector("[data-scan]");
  }

  function focusFirst() {
    var target = document.querySelector("[autofocus]") || scanField();
    if (target) {
      if (target.hasAttribute("data-scan")) target.value = "";
      target.focus();
    }
  }

  function updateTitle() {
    var h1 = document.querySelector("#bench-main h1");
    if (h1) document.title = h1.textContent.trim() + " · Atelier";
  }

  document.addEventListener("DOMContentLoaded", function () {
    updateTitle();
    focusFirst();
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    updateTitle();
    var back = document.querySelector(".lang input[name='next']");
    if (back) back.value = window.location.pathname + window.location.search;
    if (event.target && event.target.id === "bench-main") {
      var hash = window.location.hash;
      var anchor = hash && document.getElementById(hash.slice(1));
      if (anchor) anchor.scrollIntoView({ block: "center" });
      var scan = scanField();
      if (scan) { scan.value = ""; scan.focus({ preventScroll: !!anchor }); }
    }
  });

  /* A scanner types fast into whatever has focus: when nothing does, send keys to the scan field. */
  document.addEventListener("keydown", function (event) {
    var scan = scanField();
    if (!scan || event.ctrlKey || event.altKey || event.metaKey || event.key.length !== 1) return;
    var active = document.activeElement;
    if (!active || active === document.body || active.id === "bench-main") scan.focus();
  });

  /* Badge then Enter: go to the PIN field instead of submitting an empty PIN. */
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Enter" || !event.target.hasAttribute("data-badge")) return;
    var pin = document.querySelector("[data-pin]");
    if (pin && !pin.value) { event.preventDefault(); pin.focus(); }
  });

  /* A submitted form shows that it is working and cannot be sent twice: its buttons are
     disabled (after the browser has read the clicked button's value) until the page changes,
     the htmx request ends, or 15 s pass. The server's one-time form token is the real guard. */
  function release(form) {
    form.removeAttribute("aria-busy");
    form.classList.remove("is-busy");
    form.querySelectorAll("[data-busy-disabled]").forEach(function (button) {
      button.disabled = false;
      button.removeAttribute("data-busy-disabled");
      button.classList.remove("is-busy");
    });
  }
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || (form.getAttribute("method") || "").toLowerCase() !== "post") return;
    var submitter = event.submitter;
    if (form.classList.contains("is-busy")) {
      event.preventDefault();
      event.stopImmediatePropagation();  /* htmx listens on the form: it must not see it */
      return;
    }
    form.classList.add("is-busy");
    form.setAttribute("aria-busy", "true");
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit], button:not([type]), input[type=submit]").forEach(function (button) {
        if (button.disabled) return;
        button.disabled = true;
        button.setAttribute("data-busy-disabled", "");
        if (button === submitter) button.classList.add("is-busy");
      });
    }, 0);
    window.setTimeout(function () { release(form); }, 15000);
  }, true);
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target && event.target.closest ? event.target.closest("form") : null;
    if (form && document.body.contains(form)) release(form);
  });
  window.addEventListener("pageshow", function () {
    document.querySelectorAll("form.is-busy").forEach(release);
  });

  /* A scanner ends with Enter: in a form's scanned or typed fields, Enter goes to the next
     empty field and submits only when none is left. */
  document.addEventListener("keydown", function (event) {
    var field = event.target;
    if (event.key !== "Enter" || !field.hasAttribute || !field.hasAttribute("data-enter-next")) return;
    var fields = Array.prototype.slice.call(field.form.querySelectorAll("[data-enter-next]"));
    var after = fields.slice(fields.indexOf(field) + 1);
    for (var i = 0; i < after.length; i++) {
      if (!after[i].value && !after[i].disabled) {
        event.preventDefault();
        after[i].focus();
        return;
      }
    }
  });

  /* Tell assistive technologies (and the CSS) when a request is running. */
  document.addEventListener("htmx:beforeRequest", function (event) {
    document.body.setAttribute("aria-busy", "true");
  });
  document.addEventListener("htmx:afterRequest", function () {
    document.body.removeAttribute("aria-busy");
  });

  /* A region marked data-refresh="ms" (the jobs page, an import's progress) while something
     runs: fetched again from this same address every ms and swapped in place, until the
     server sends it back without data-refresh (nothing runs any more). Paused while the tab
     is hidden or while focus is inside the region (a Retry button about to be pressed). */
  var refreshTimer = null;
  function scheduleRefresh() {
    window.clearTimeout(refreshTimer);
    var region = document.querySelector("[data-refresh][id]");
    if (!region) return;
    var every = Math.max(parseInt(region.getAttribute("data-refresh"), 10) || 2000, 500);
    refreshTimer = window.setTimeout(function () {
      var current = document.getElementById(region.id);
      if (!current) return;
      if (document.hidden || current.contains(document.activeElement)) { scheduleRefresh(); return; }
      fetch(window.location.href, { credentials: "same-origin", headers: { "X-Atelier-Refresh": "1" } })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (html) {
            var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(current.id);
            if (fresh) current.replaceWith(document.importNode(fresh, true));
          }
          scheduleRefresh();
        })
        .catch(function () { window.setTimeout(scheduleRefresh, every); });
    }, every);
  }
  document.addEventListener("DOMContentLoaded", scheduleRefresh);
  document.addEventListener("htmx:afterSettle", scheduleRefresh);
})();

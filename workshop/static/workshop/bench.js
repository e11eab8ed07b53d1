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

  /* Tell assistive technologies (and the CSS) when a request is running. */
  document.addEventListener("htmx:beforeRequest", function (event) {
    document.body.setAttribute("aria-busy", "true");
  });
  document.addEventListener("htmx:afterRequest", function () {
    document.body.removeAttribute("aria-busy");
  });
})();

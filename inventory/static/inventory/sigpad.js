/* Signature pads of the pick-up slip: draw with a finger, a pen or the mouse on a canvas; the
   drawing is kept as a PNG data URL in the hidden field the canvas names (data-sigpad). Served
   by the app (no CDN, no inline script). An untouched pad leaves its field empty. */
(function () {
  "use strict";
  function setup(canvas) {
    var field = document.getElementById(canvas.getAttribute("data-sigpad"));
    var context = canvas.getContext("2d");
    var drawing = false;
    var drawn = false;
    context.lineWidth = 2.5;
    context.lineCap = "round";
    context.strokeStyle = "#111";
    function point(event) {
      var box = canvas.getBoundingClientRect();
      return {
        x: (event.clientX - box.left) * (canvas.width / box.width),
        y: (event.clientY - box.top) * (canvas.height / box.height)
      };
    }
    function start(event) {
      drawing = true;
      var p = point(event);
      context.beginPath();
      context.moveTo(p.x, p.y);
      event.preventDefault();
    }
    function move(event) {
      if (!drawing) { return; }
      var p = point(event);
      context.lineTo(p.x, p.y);
      context.stroke();
      drawn = true;
      event.preventDefault();
    }
    function end() {
      if (!drawing) { return; }
      drawing = false;
      if (drawn && field) { field.value = canvas.toDataURL("image/png"); }
    }
    canvas.addEventListener("pointerdown", start);
    canvas.addEventListener("pointermove", move);
    window.addEventListener("pointerup", end);
    canvas.addEventListener("pointerleave", end);
    var clear = document.querySelector('[data-sigpad-clear="' + canvas.id + '"]');
    if (clear) {
      clear.addEventListener("click", function () {
        context.clearRect(0, 0, canvas.width, canvas.height);
        drawn = false;
        if (field) { field.value = ""; }
      });
    }
  }
  document.querySelectorAll("canvas[data-sigpad]").forEach(setup);
})();

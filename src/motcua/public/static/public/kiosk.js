/* Counter kiosk: return to the code page after a while without input (data-kiosk-idle seconds on
   the page's card, data-kiosk-reset = where to go), so that the next citizen never sees the
   previous answers. Our own file, no dependencies. */
(function () {
  "use strict";
  function start() {
    var card = document.querySelector("[data-kiosk-reset]");
    if (!card) return;
    var target = card.getAttribute("data-kiosk-reset");
    var seconds = parseInt(card.getAttribute("data-kiosk-idle") || "0", 10);
    if (!target || target === "0" || !seconds) return;
    var timer = null;
    function arm() {
      if (timer) window.clearTimeout(timer);
      timer = window.setTimeout(function () { window.location.assign(target); }, seconds * 1000);
    }
    ["pointerdown", "keydown", "input", "touchstart"].forEach(function (name) {
      document.addEventListener(name, arm, { passive: true });
    });
    arm();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

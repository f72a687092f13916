/* The meeting screen's live clock: counts up the minutes of the running item and of the
   meeting. The server keeps the real times; this only saves a reload. */
(function () {
  "use strict";
  var loaded = Date.now();
  function tick() {
    var passed = Math.floor((Date.now() - loaded) / 1000);
    document.querySelectorAll("[data-clock-seconds]").forEach(function (element) {
      var base = parseInt(element.getAttribute("data-clock-seconds"), 10) || 0;
      element.textContent = String(Math.floor((base + passed) / 60));
    });
  }
  window.setInterval(tick, 15000);
})();

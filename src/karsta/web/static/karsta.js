// Draws the charts (Vega-Lite specs built on the server) and gives HTMX requests the CSRF token.
(function () {
  "use strict";

  function drawCharts(root) {
    if (typeof vegaEmbed === "undefined") return;
    root.querySelectorAll("[data-spec-id]").forEach(function (target) {
      var id = target.getAttribute("data-spec-id");
      var spec = document.getElementById(id);
      // The chart's own number locale, else the page's (one for many small charts).
      var locale = document.getElementById(id + "-locale") || document.getElementById("chart-locale");
      if (!spec) return;
      vegaEmbed(target, JSON.parse(spec.textContent), {
        actions: false,
        renderer: "svg",
        formatLocale: locale ? JSON.parse(locale.textContent) : undefined,
      }).catch(function () {
        target.hidden = true; // the table beside the chart still shows the figures
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    drawCharts(document);
  });
  document.addEventListener("htmx:afterSwap", function (event) {
    drawCharts(event.detail.elt.parentNode || document);
  });
  document.addEventListener("htmx:configRequest", function (event) {
    var token = document.querySelector('meta[name="csrf-token"]');
    if (token) event.detail.headers["x-csrftoken"] = token.getAttribute("content");
  });
})();

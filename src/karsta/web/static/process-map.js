// Pan and zoom for the process map (an inline SVG drawn by Graphviz), with buttons for the keyboard.
(function () {
  "use strict";

  function enable(root) {
    if (typeof svgPanZoom === "undefined") return;
    root.querySelectorAll("svg.process-svg").forEach(function (svg) {
      if (svg.dataset.panZoom) return;
      svg.dataset.panZoom = "on";
      var panZoom = svgPanZoom(svg, {
        controlIconsEnabled: false,
        dblClickZoomEnabled: false,
        fit: true,
        center: true,
        minZoom: 0.2,
        maxZoom: 20,
      });
      var panel = svg.closest(".map-panel") || document;
      panel.querySelectorAll("[data-zoom]").forEach(function (button) {
        button.addEventListener("click", function () {
          var how = button.getAttribute("data-zoom");
          if (how === "in") panZoom.zoomIn();
          else if (how === "out") panZoom.zoomOut();
          else {
            panZoom.resize();
            panZoom.fit();
            panZoom.center();
          }
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    enable(document);
  });
  document.addEventListener("htmx:afterSwap", function () {
    enable(document);
  });
})();

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

  // A map by stage merges repeated steps unless asked not to: switching what the steps are
  // sets the box to that default before the form is sent (capture: before HTMX reads it).
  document.addEventListener(
    "change",
    function (event) {
      var by = event.target;
      var box = document.getElementById("map-collapse");
      if (by.id === "map-by" && box) box.checked = by.value === "stage";
    },
    true
  );

  // The sub-menu marks the map's level (steps or stages) of the address HTMX pushed.
  function markLevel() {
    var byStage = new URLSearchParams(window.location.search).get("by") === "stage";
    var current = byStage ? "/process/map?by=stage" : "/process/map";
    document.querySelectorAll(".subnav a").forEach(function (link) {
      var href = link.getAttribute("href");
      if (href !== "/process/map" && href !== "/process/map?by=stage") return;
      if (href === current) link.setAttribute("aria-current", "page");
      else link.removeAttribute("aria-current");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    enable(document);
  });
  document.addEventListener("htmx:afterSwap", function () {
    enable(document);
  });
  document.addEventListener("htmx:pushedIntoHistory", markLevel);
  window.addEventListener("popstate", markLevel);
})();

(function () {
  "use strict";
  const gm = window.gridmap;
  gm.start = function (map, cfg) {
    document.body.classList.add("gm-planner");
    const b = cfg.bounds;
    map.fitBounds(L.latLngBounds(gm.toDisplay(b[0], b[1]), gm.toDisplay(b[2], b[3])), { padding: [10, 10] });
  };
})();

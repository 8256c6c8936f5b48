// The cockpit's 3-D district (立体街区): MapLibre GL (vendored from npm, its CSP build) drawing
// our own vector tiles (/tiles, the layer registry's) over the 2-D map: residential and
// business buildings extruded by their floors, compounds and open blocks as footprints, the
// cases and the warnings' recurring places on top. Nothing comes from elsewhere: no outside
// style, sprite or glyphs — the style is written here and its labels are DOM elements.
// MapLibre loads on the first click; the 2-D map stays the page's default.
(function () {
  "use strict";
  const gm = window.gridmap;
  const VENDOR = "/static/vendor/maplibre/";
  const FLOOR_M = 3;  // a storey's height, metres (GB 50096's residential 2.8–3 m)
  let loading = null, view = null, box = null, marks = [], specs = [];

  function load() {
    if (loading) return loading;
    const css = document.createElement("link");
    css.rel = "stylesheet";
    css.href = VENDOR + "maplibre-gl.css";
    document.head.appendChild(css);
    const registry = fetch("/api/v1/layers").then((r) => r.json()).then((l) => { specs = l; });
    const script = new Promise((resolve, reject) => {
      const s = document.createElement("script");
      s.src = VENDOR + "maplibre-gl-csp.js";
      s.onload = () => {
        maplibregl.setWorkerUrl(new URL(VENDOR + "maplibre-gl-csp-worker.js", location.href).href);
        resolve();
      };
      s.onerror = () => { loading = null; reject(new Error("3D 组件未能加载")); };
      document.head.appendChild(s);
    });
    loading = Promise.all([registry, script]);
    return loading;
  }

  const spec = (key) => specs.find((l) => l.key === key);
  // a registry layer's tiles, as an absolute URL (the tiles are fetched in MapLibre's worker)
  function source(key, query) {
    const l = spec(key);
    const url = new URL(`/tiles/${key}/{z}/{x}/{y}.mvt`, location.href).href.replace(/%7B/g, "{").replace(/%7D/g, "}");
    return { type: "vector", tiles: [url + (query ? "?" + query : "")], minzoom: l ? l.tile_min_zoom : 0, maxzoom: 16 };
  }
  const floors = (colour) => ({
    "fill-extrusion-color": colour,
    "fill-extrusion-height": ["*", FLOOR_M, ["max", 1, ["to-number", ["get", "floors"], 1]]],
    "fill-extrusion-base": 0,
    "fill-extrusion-opacity": 0.88,
  });
  function style(query) {
    return {
      version: 8,
      sources: {
        streets: source("streets"),
        roads: source("roads"),
        compounds: source("compounds"),
        open_blocks: source("open_blocks"),
        residential_buildings: source("residential_buildings"),
        buildings: source("buildings"),
        cases: source("cases", query),
      },
      layers: [
        { id: "background", type: "background", paint: { "background-color": "#08131f" } },
        { id: "streets", type: "line", source: "streets", "source-layer": "streets", paint: { "line-color": "#5b8def", "line-width": 2 } },
        { id: "roads", type: "line", source: "roads", "source-layer": "roads", paint: { "line-color": "#2a4a6b", "line-width": 1 } },
        { id: "compounds", type: "fill", source: "compounds", "source-layer": "compounds", paint: { "fill-color": "#1b998b", "fill-opacity": 0.25, "fill-outline-color": "#1b998b" } },
        { id: "open_blocks", type: "fill", source: "open_blocks", "source-layer": "open_blocks", paint: { "fill-color": "#f4a259", "fill-opacity": 0.18, "fill-outline-color": "#f4a259" } },
        { id: "residential-3d", type: "fill-extrusion", source: "residential_buildings", "source-layer": "residential_buildings", paint: floors("#4f7cac") },
        { id: "buildings-3d", type: "fill-extrusion", source: "buildings", "source-layer": "buildings", paint: floors("#8e5fb0") },
        { id: "cases", type: "circle", source: "cases", "source-layer": "cases", paint: {
          "circle-radius": 4, "circle-stroke-width": 1, "circle-stroke-color": "#08131f",
          "circle-color": ["case", ["to-boolean", ["get", "overdue"]], gm.color("overdue"), gm.color("case")],
        } },
      ],
    };
  }

  // recurring places (事件预警) as DOM labels standing on the map
  function warnings() {
    for (const m of marks) m.remove();
    marks = [];
    for (const p of (gm.warnings && gm.warnings.places) || []) {
      const el = gm.el("div", "gm-3d-warning", `${p.category.name} · ${p.count}`);
      marks.push(new maplibregl.Marker({ element: el, anchor: "bottom" }).setLngLat([p.lon, p.lat]).addTo(view));
    }
  }

  function open(map) {
    const c = map.getCenter(), at = gm.fromDisplay(c);
    if (!box) {
      box = gm.el("div", "gm-3d");
      box.id = "gm-3d";
      // MapLibre makes its container position: relative; the box over the map holds it
      box.appendChild(gm.el("div", "gm-3d-map"));
      map.getContainer().appendChild(box);
      const credit = gm.el("div", "gm-3d-credit", spec("roads").attribution || "");
      box.appendChild(credit);
    }
    box.hidden = false;
    const query = (gm.playback && gm.playback.at) ? "at=" + encodeURIComponent(gm.playback.at) : "";
    if (!view) {
      view = new maplibregl.Map({
        container: box.firstChild, style: style(query), center: at, zoom: map.getZoom() - 1,
        pitch: 55, bearing: -20, attributionControl: false, maxPitch: 70,
      });
      gm.view3d.map = view;
      view.on("load", () => { warnings(); });
      view.on("idle", () => { gm.view3d.idle = (gm.view3d.idle || 0) + 1; });
    } else {
      view.jumpTo({ center: at, zoom: map.getZoom() - 1 });
      view.getSource("cases").setTiles(style(query).sources.cases.tiles);
      warnings();
      view.resize();
    }
    gm.view3d.shown = true;
  }

  gm.view3d = {
    shown: false,
    toggle: function (map, button) {
      if (gm.view3d.shown) {
        box.hidden = true;
        gm.view3d.shown = false;
        button.textContent = "3D";
        return Promise.resolve();
      }
      button.disabled = true;
      const began = performance.now();
      return load().then(() => {
        open(map);
        button.textContent = "2D";
        view.once("idle", () => { gm.view3d.firstFrameMs = performance.now() - began; });
      }).catch((e) => { button.title = e.message; }).finally(() => { button.disabled = false; });
    },
  };

  // the switch, in the cockpit's title bar (the page's #gm-3d-toggle)
  gm.control3d = function (map) {
    const button = document.getElementById("gm-3d-toggle");
    button.addEventListener("click", () => gm.view3d.toggle(map, button));
    return button;
  };
})();

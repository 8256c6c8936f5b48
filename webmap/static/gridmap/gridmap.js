/* gridmap: layers from the registry, loaded by bbox; user text only ever as textContent. */
(function () {
  "use strict";
  const gm = (window.gridmap = window.gridmap || {});
  gm.layers = {};
  gm.onSelect = {};  // layer key -> what a click on one of its features opens (compound.js)
  // the page config: a JSON data block in the page (webmap/map_elements.py page_config)
  const given = document.getElementById("gridmap-config");
  gm.config = given ? JSON.parse(given.textContent) : gm.config || { displayCrs: "wgs84" };

  // --- coordinates: GCJ-02 display shift when the basemap is Amap ------------------------
  const A = 6378245.0, EE = 0.00669342162296594323;
  function delta(lon, lat) {
    const x = lon - 105.0, y = lat - 35.0;
    let dLat = -100 + 2 * x + 3 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
    dLat += (20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2 / 3;
    dLat += (20 * Math.sin(y * Math.PI) + 40 * Math.sin(y / 3 * Math.PI)) * 2 / 3;
    dLat += (160 * Math.sin(y / 12 * Math.PI) + 320 * Math.sin(y * Math.PI / 30)) * 2 / 3;
    let dLon = 300 + x + 2 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
    dLon += (20 * Math.sin(6 * x * Math.PI) + 20 * Math.sin(2 * x * Math.PI)) * 2 / 3;
    dLon += (20 * Math.sin(x * Math.PI) + 40 * Math.sin(x / 3 * Math.PI)) * 2 / 3;
    dLon += (150 * Math.sin(x / 12 * Math.PI) + 300 * Math.sin(x / 30 * Math.PI)) * 2 / 3;
    const rad = lat / 180 * Math.PI, magic = 1 - EE * Math.sin(rad) ** 2, sm = Math.sqrt(magic);
    return [dLon * 180 / (A / sm * Math.cos(rad) * Math.PI), dLat * 180 / ((A * (1 - EE)) / (magic * sm) * Math.PI)];
  }
  gm.toDisplay = function (lon, lat) {  // WGS84 -> what the basemap uses
    if (gm.config.displayCrs !== "gcj02") return L.latLng(lat, lon);
    const d = delta(lon, lat);
    return L.latLng(lat + d[1], lon + d[0]);
  };
  gm.fromDisplay = function (latlng) {  // basemap -> WGS84 [lon, lat]
    if (gm.config.displayCrs !== "gcj02") return [latlng.lng, latlng.lat];
    let lon = latlng.lng, lat = latlng.lat;
    for (let i = 0; i < 20; i++) {
      const p = gm.toDisplay(lon, lat);
      lon -= p.lng - latlng.lng; lat -= p.lat - latlng.lat;
    }
    return [lon, lat];
  };

  // --- safe text -----------------------------------------------------------------------
  gm.esc = function (s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]));
  };
  gm.el = function (tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = String(text);
    return e;
  };
  gm.popup = function (spec, props) {
    const box = gm.el("div", "gm-popup");
    box.appendChild(gm.el("div", "gm-popup-title", props[spec.tooltip] || props.name || spec.title));
    const table = gm.el("table");
    for (const [key, label] of spec.popup) {
      if (props[key] == null || props[key] === "") continue;
      const tr = gm.el("tr");
      tr.appendChild(gm.el("th", null, label));
      tr.appendChild(gm.el("td", null, props[key]));
      table.appendChild(tr);
    }
    box.appendChild(table);
    return box;
  };

  // --- colours -------------------------------------------------------------------------
  // The palette is layers/pages.py's COLORS, sent in the page config.
  gm.color = (name) => gm.config.colors[name];
  gm.ramp = function (v, max) {
    const RAMP = gm.color("ramp");
    if (!v) return RAMP[0];
    const i = Math.min(RAMP.length - 1, 1 + Math.floor((v / Math.max(1, max)) * (RAMP.length - 2)));
    return RAMP[i];
  };
  // A share where more is better, from the lowest value shown to the highest; grey: no value.
  gm.rate = function (v, lo, hi) {
    const RATE = gm.color("rate");
    if (v == null) return "#888888";
    const t = hi > lo ? (v - lo) / (hi - lo) : 1;
    return RATE[Math.min(RATE.length - 1, Math.floor(t * RATE.length))];
  };
  // A colour per value (a shop's party member): the same value, the same colour; none: grey.
  function byValue(v) {
    if (v == null || v === "") return { color: "#888888", fillColor: "#bbbbbb" };
    const P = gm.color("categorical");
    let h = 0;
    for (const ch of String(v)) h = (h * 31 + ch.codePointAt(0)) >>> 0;
    const c = P[h % P.length];
    return { color: c, fillColor: c };
  }
  const fill = (spec, layer, v) =>
    spec.ramp === "rate" ? gm.rate(v, layer._gmMin, layer._gmMax) : gm.ramp(v, layer._gmMax || 1);

  // Writes as the signed-in user: the session cookie goes by itself; the CSRF token (a
  // cookie a page of this origin can read, and no other site's) goes back in a header.
  gm.csrf = function () {
    const m = document.cookie.match(/(?:^|;\s*)gridmap_csrf=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  };
  gm.post = function (url, body) {
    return fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": gm.csrf() },
      body: JSON.stringify(body),
    });
  };

  // Layers asking for the same data at once (case points and case heat) share one request,
  // a GeoJSON layer's or a vector tile's.
  const inflight = {};
  function once(url, make) {
    if (!inflight[url]) {
      inflight[url] = make().finally(() => { setTimeout(() => { delete inflight[url]; }, 0); });
    }
    return inflight[url];
  }
  gm.getJSON = function (url) {
    return once(url, () => fetch(url).then((r) => r.json()));
  };

  // --- big layers from tiles (/tiles/<layer>/{z}/{x}/{y}.geojson, webmap/tiles.py) ------
  // A tiled layer's features come whole in every tile they touch: one copy of each is kept
  // (by code), and only those meeting the view are drawn, as from the GeoJSON endpoint. The
  // tiles are GeoJSON, not MVT: the browser parses JSON itself, where decoding vector tiles in
  // script took the cockpit's start 190 ms more.
  // Each tile is asked afresh (the browser revalidates it: 304 while unchanged), shared by the
  // layers that ask for it at once (case points and case heat).
  function tileFeatures(url) {
    return once(url, () => fetch(url).then((r) => {
      if (r.status === 204) return [];
      if (!r.ok) throw new Error(url + ": HTTP " + r.status);
      return r.json().then((fc) => fc.features);
    }));
  }
  function box(g) {  // [minx, miny, maxx, maxy] of a GeoJSON geometry
    const t = g.type, c = g.coordinates, b = [Infinity, Infinity, -Infinity, -Infinity];
    const lines = t === "Point" ? [[c]] : t === "LineString" || t === "MultiPoint" ? [c]
      : t === "MultiPolygon" ? c.flat() : c;  // Polygon, MultiLineString: lines already
    for (const line of lines) {
      for (const p of line) {
        const x = p[0], y = p[1];
        if (x < b[0]) b[0] = x; if (y < b[1]) b[1] = y;
        if (x > b[2]) b[2] = x; if (y > b[3]) b[3] = y;
      }
    }
    return b;
  }
  // The tiles of the view: at the view's zoom (the fewest bytes beyond the view), or coarser
  // while that takes more than TILE_BUDGET (a big screen), down to the layer's coarsest.
  const TILE_BUDGET = 16;
  function tileRange(bbox, z) {
    const n = 2 ** z, clamp = (v) => Math.min(n - 1, Math.max(0, Math.floor(v)));
    const tx = (lon) => clamp((lon + 180) / 360 * n);
    const ty = (lat) => clamp((1 - Math.asinh(Math.tan(lat * Math.PI / 180)) / Math.PI) / 2 * n);
    return [tx(bbox[0]), tx(bbox[2]), ty(bbox[3]), ty(bbox[1])];
  }
  // A layer in the district (spec.in_district) asks for none beyond the district's extent.
  gm.tiled = function (spec, bbox, zoom, params) {
    let z = Math.min(16, Math.max(spec.tile_min_zoom, Math.round(zoom))), r = tileRange(bbox, z);
    while (z > spec.tile_min_zoom && (r[1] - r[0] + 1) * (r[3] - r[2] + 1) > TILE_BUDGET) r = tileRange(bbox, --z);
    const e = spec.in_district && gm.config.extent;
    if (e) {
      const inside = [Math.max(bbox[0], e[0]), Math.max(bbox[1], e[1]), Math.min(bbox[2], e[2]), Math.min(bbox[3], e[3])];
      if (inside[0] > inside[2] || inside[1] > inside[3]) return Promise.resolve({ type: "FeatureCollection", features: [] });
      r = tileRange(inside, z);
    }
    const q = new URLSearchParams(params).toString();
    const asks = [];
    for (let x = r[0]; x <= r[1]; x++) {
      for (let y = r[2]; y <= r[3]; y++) {
        const url = spec.geojson_tiles.replace("{z}", z).replace("{x}", x).replace("{y}", y) + (q ? "?" + q : "");
        asks.push(tileFeatures(url));
      }
    }
    return Promise.all(asks).then((tiles) => {
      const seen = new Set(), features = [];
      for (const f of tiles.flat()) {
        const code = f.properties.code;
        if (seen.has(code)) continue;
        seen.add(code);
        const b = box(f.geometry);
        if (b[0] <= bbox[2] && b[2] >= bbox[0] && b[1] <= bbox[3] && b[3] >= bbox[1]) features.push(f);
      }
      return { type: "FeatureCollection", features: features };
    });
  };

  // Case heat (leaflet.heat), an empty one only cleared: the library colours every pixel of
  // its canvas on each draw (on its add and each move), points or none.
  // Its canvases are read back on every draw (getImageData, to colour the pixels): made with
  // willReadFrequently, the browser keeps them ready to be read (the first draw on a big
  // screen: 87 ms before, 15 ms after).
  function readable(make) {
    const get = HTMLCanvasElement.prototype.getContext;
    HTMLCanvasElement.prototype.getContext = function (kind, attrs) {
      return get.call(this, kind, Object.assign({ willReadFrequently: true }, attrs));
    };
    try { return make(); } finally { HTMLCanvasElement.prototype.getContext = get; }
  }
  // It draws at half the screen's resolution, stretched to the screen: a heat surface is a blur,
  // and each draw colours every pixel of its canvas (a quarter as many: on a 1920x1080 screen
  // its draw and colouring took 50 ms, and the frame's hand-over of the canvas as much again).
  const HEAT_SCALE = 0.5;
  const Heat = L.HeatLayer.extend({
    // Its canvas goes on the map with its first points: an empty full-screen canvas still costs
    // a page's first frame a copy of all its pixels (30-70 ms on a big screen).
    onAdd: function (map) {
      this._map = map;
      if (this._canvas || this._latlngs.length) L.HeatLayer.prototype.onAdd.call(this, map);
    },
    onRemove: function (map) {
      if (this._canvas && this._canvas.parentNode) L.HeatLayer.prototype.onRemove.call(this, map);
    },
    setLatLngs: function (latlngs) {
      this._latlngs = latlngs;
      if (!this._canvas && latlngs.length && this._map && this._map.hasLayer(this)) {
        L.HeatLayer.prototype.onAdd.call(this, this._map);
        return this;
      }
      return this.redraw();
    },
    _initCanvas: function () {
      readable(() => {
        L.HeatLayer.prototype._initCanvas.call(this);
        if (!this._heat._grad) this._heat.gradient(this._heat.defaultGradient);
      });
      // The library bins the points in screen pixels (cells of half a blot, a blot's margin
      // beyond the screen), then hands them over to be drawn: on the small canvas, scaled.
      const heat = this._heat, data = heat.data;
      heat.data = function (points) {
        heat._r = heat._small;
        return data.call(heat, points.map((p) => [p[0] * HEAT_SCALE, p[1] * HEAT_SCALE, p[2]]));
      };
      this._fit();
    },
    _updateOptions: function () {
      const o = this.options;
      this._heat.radius((o.radius || this._heat.defaultRadius) * HEAT_SCALE, (o.blur || 15) * HEAT_SCALE);
      this._heat._small = this._heat._r;
      if (o.gradient) this._heat.gradient(o.gradient);
      if (o.max) this._heat.max(o.max);
    },
    _reset: function () {
      L.DomUtil.setPosition(this._canvas, this._map.containerPointToLayerPoint([0, 0]));
      this._fit();
      this._redraw();
    },
    _fit: function () {  // the canvas: the map's size on screen, half its pixels
      const size = this._map.getSize(), heat = this._heat;
      const w = Math.ceil(size.x * HEAT_SCALE), h = Math.ceil(size.y * HEAT_SCALE);
      if (heat._width !== w) this._canvas.width = heat._width = w;
      if (heat._height !== h) this._canvas.height = heat._height = h;
      this._canvas.style.width = size.x + "px";
      this._canvas.style.height = size.y + "px";
    },
    _redraw: function () {
      const heat = this._heat;
      if (!this._latlngs.length) {
        heat._ctx.clearRect(0, 0, heat._width, heat._height);
        this._frame = null;
        return;
      }
      heat._r = heat._small / HEAT_SCALE;  // binned in screen pixels; drawn small (heat.data)
      try { L.HeatLayer.prototype._redraw.call(this); } finally { heat._r = heat._small; }
    },
  });

  // --- one registry layer on one map -----------------------------------------------------
  gm.layer = function (map, spec, opts) {
    opts = opts || {};
    // One canvas for every registry layer: a canvas takes every click over it, so two would
    // leave the lower one's features unclickable. Polygons under lines under points, and among
    // polygons the registry's order, whatever order the fetches finish in (gm.restack).
    const paneName = "gm-vector";
    if (!map.getPane(paneName)) {
      map.createPane(paneName).style.zIndex = 410;
      map._gmRenderer = L.canvas({ pane: paneName });
      map._gmOrder = [];
    }
    map._gmOrder.push(opts.id || spec.key);
    // No tile layer sets a zoom range (the offline default); marker clusters need one.
    if (map.options.maxZoom === undefined) { map.setMaxZoom(19); map.setMinZoom(9); }
    const params = Object.assign({}, opts.params || {});
    // The server has simplified each feature for the zoom it is drawn at (a layer's answer for
    // the view's zoom, a tile's for two zooms in): Leaflet's own simplifying and clipping of
    // every polygon and line on each draw redid that (the demo cockpit's draw 122 -> 113 ms).
    const style = Object.assign({ pane: paneName, renderer: map._gmRenderer, smoothFactor: 0, noClip: true },
      spec.style, opts.style || {});
    let layer;
    const toLatLng = (c) => gm.toDisplay(c[0], c[1]);
    const tip = (p) => gm.esc(p[spec.tooltip] != null ? p[spec.tooltip] : p.name);
    // A feature takes the click (the map hears none): a page that picks points (planner)
    // hears it as gridmap:select, with the point.
    const select = (l, ev) => {
      const p = l.feature.properties;
      map.fire("gridmap:select", { spec: spec, props: p, layer: l, latlng: ev.latlng });
      if (gm.onSelect[spec.key] && !gm.picking) gm.onSelect[spec.key](p);
    };
    if (opts.render === "heat") {
      layer = new Heat([], { radius: 18, blur: 22, maxZoom: 16, minOpacity: 0.35 });
    } else if (opts.render === "cluster") {
      layer = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false, maxClusterRadius: 50,
        disableClusteringAtZoom: 16 });
    } else {
      layer = L.geoJSON(null, {
        coordsToLatLng: toLatLng,
        style: (f) => {
          const s = Object.assign({}, style);
          if (spec.choropleth) s.fillColor = fill(spec, layer, f.properties[spec.choropleth]);
          if (opts.highlight && f.properties.code === opts.highlight) Object.assign(s, { color: gm.color("highlight"), weight: 4, fillOpacity: 0.1 });
          return s;
        },
        pointToLayer: (f, latlng) => L.circleMarker(latlng, spec.color_by ? Object.assign({}, style, byValue(f.properties[spec.color_by])) : style),
      });
    }
    // One tooltip, popup and click for the whole layer, told which feature by the event (bound
    // to each of a thousand features they took 40 ms of a page's start): a GeoJSON layer's, or
    // a marker cluster's markers' (the clusters' own events are renamed: clusterclick zooms in).
    if (opts.render !== "heat") {
      layer.bindTooltip((l) => tip(l.feature.properties), { sticky: true });
      layer.bindPopup((l) => gm.popup(spec, l.feature.properties));
      layer.on("click", (ev) => select(ev.propagatedFrom, ev));
    }
    // The credit goes to the map once, for the layer: not in its options, which a GeoJSON
    // layer hands to every feature it makes (each re-writing the map's attribution line).
    if (spec.attribution) layer.getAttribution = () => spec.attribution;
    // params: the page may change them (the cockpit's playback sets the cases' `at`)
    layer._gm = { spec: spec, count: 0, loading: false, params: params };
    layer._gmId = opts.id || spec.key;
    let seq = 0;
    // together (gm.reloadAll): draw once every layer asked at the same time has its data
    layer.reload = function (together) {
      if (!map.hasLayer(layer)) return Promise.resolve();
      const z = map.getZoom();
      const clear = () => (opts.render === "heat" ? layer.setLatLngs([]) : layer.clearLayers());
      if (z < spec.min_zoom) { clear(); layer._gm.count = 0; layer._gm.features = []; return Promise.resolve(); }
      const b = map.getBounds();
      const sw = gm.fromDisplay(b.getSouthWest()), ne = gm.fromDisplay(b.getNorthEast());
      const bbox = [sw[0], sw[1], ne[0], ne[1]];
      const mine = ++seq;
      layer._gm.loading = true;
      // A layer of one facility kind asks for every kind and keeps its own: the kinds' layers
      // on a page share one request (gm.getJSON), not one each.
      const kind = spec.by_kind ? params.kind : undefined;
      const asked = Object.assign({ bbox: bbox.map((v) => v.toFixed(6)).join(","), zoom: String(Math.round(z)) }, params);
      if (kind !== undefined) delete asked.kind;
      // big layers from tiles (WGS84 features, drawn like the rest: GCJ-02 too)
      const source = spec.geojson_tiles ? gm.tiled(spec, bbox, z, params)
        : gm.getJSON(spec.url + "?" + new URLSearchParams(asked).toString()).then((fc) => (kind === undefined ? fc
          : { type: "FeatureCollection", features: fc.features.filter((f) => f.properties.kind === kind) }));
      if (together) together.fetched.push(source.catch(() => null));
      return (together ? Promise.all([source, together.ready]).then(([fc]) => fc) : source).then((fc) => {
        if (mine !== seq) return;
        clear();
        if (opts.render === "heat") {
          layer.setLatLngs(fc.features.map((f) => toLatLng(f.geometry.coordinates)));
        } else if (opts.render === "cluster") {
          const markers = fc.features.map((f) => {
            const c = f.geometry.coordinates;
            const m = L.circleMarker(toLatLng(c), Object.assign({}, style, f.properties.overdue ? { color: gm.color("overdue") } : {}));
            m.feature = f;
            return m;
          });
          layer.addLayers(markers);
        } else {
          if (spec.choropleth) {
            const vs = fc.features.map((f) => f.properties[spec.choropleth]).filter((v) => v != null);
            layer._gmMax = Math.max(spec.ramp === "rate" ? 0 : 1, ...vs);
            layer._gmMin = Math.min(layer._gmMax, ...vs);
          }
          layer.addData(fc);
        }
        layer._gm.count = fc.features.length;
        layer._gm.features = fc.features;
        gm.restack(map, layer);
      }).finally(() => { if (mine === seq) layer._gm.loading = false; map.fire("gridmap:loaded", { key: spec.key }); });
    };
    // Nothing is fetched before the page has set its view (gm.begin): the map's first view
    // is only Folium's placeholder.
    map.on("moveend", () => { if (map._gmReady) layer.reload(); });
    // Child features' "add" events propagate to the group: react to the group's own only.
    layer.on("add", (e) => { if (!e.propagatedFrom && map._gmReady) layer.reload(); });
    gm.layers[opts.id || spec.key] = layer;
    return layer;
  };

  // Sign out, for a page opened with a sign-in (not a key): a small button in a corner.
  // Added once the page is idle: reading document.cookie asks the browser process, 15 ms of
  // a page's start.
  const whenIdle = (f) => (window.requestIdleCallback ? requestIdleCallback(f, { timeout: 2000 }) : setTimeout(f, 500));
  document.addEventListener("DOMContentLoaded", () => whenIdle(() => {
    if (!gm.csrf()) return;
    const out = gm.el("button", "gm-signout", "退出登录");
    out.type = "button";
    out.addEventListener("click", () => {
      // a page that keeps things offline (the worker's) forgets them first, or stays
      const ready = gm.beforeSignOut ? gm.beforeSignOut() : Promise.resolve(true);
      ready.then((go) => {
        if (!go) return;
        fetch("/api/v1/session", { method: "DELETE", headers: { "X-CSRF-Token": gm.csrf() } })
          .finally(() => location.assign("/login"));
      });
    });
    document.body.appendChild(out);
  }));

  // Draw order on the one canvas: polygons, then lines, then points, each kind in the order
  // the layers were added (the registry's); the last drawn is on top and takes the click.
  const RANK = { polygon: 0, line: 1, point: 2 };
  // A layer that has just drawn (`fresh`) is on top already: only the layers meant to be above
  // it are brought up again, each with every feature it has (all of them without `fresh`).
  gm.restack = function (map, fresh) {
    // a marker cluster keeps the markers it shows in its own feature group
    const paths = (l) => (l instanceof L.GeoJSON ? l : l._featureGroup);
    const drawn = map._gmOrder.map((id) => gm.layers[id])
      .filter((l) => l && map.hasLayer(l) && paths(l) && paths(l).bringToFront);
    drawn.sort((a, b) => RANK[a._gm.spec.geometry] - RANK[b._gm.spec.geometry] ||
      map._gmOrder.indexOf(a._gmId) - map._gmOrder.indexOf(b._gmId));
    const at = fresh ? drawn.indexOf(fresh) : -1;
    if (fresh && at < 0) return;  // not on the canvas (the heat has its own)
    for (const l of drawn.slice(at + 1)) paths(l).bringToFront();
  };

  // Export (GIS staff): any layer drawn on the page as GeoPackage, Shapefile, CSV or XLSX, in
  // WGS84, CGCS2000 or GCJ-02; the file is what the API shows this user.
  gm.exportControl = function (map) {
    const box = gm.el("div", "gm-export-box");
    const layer = gm.el("select"), fmt = gm.el("select"), crs = gm.el("select");
    layer.id = "gm-export-layer"; fmt.id = "gm-export-format"; crs.id = "gm-export-crs";
    const seen = new Set();
    for (const l of Object.values(gm.layers)) {
      const spec = l._gm.spec;
      if (spec.computed || seen.has(spec.key)) continue;
      seen.add(spec.key);
      const o = gm.el("option", null, spec.title); o.value = spec.key; layer.appendChild(o);
    }
    for (const [v, t] of [["gpkg", "GeoPackage"], ["shp", "Shapefile"], ["csv", "CSV"], ["xlsx", "Excel"]]) {
      const o = gm.el("option", null, t); o.value = v; fmt.appendChild(o);
    }
    for (const [v, t] of [["wgs84", "WGS84"], ["cgcs2000", "CGCS2000"], ["gcj02", "GCJ-02"]]) {
      const o = gm.el("option", null, t); o.value = v; crs.appendChild(o);
    }
    const go = gm.el("a", "gm-export-go", "导出");
    const update = () => {
      go.href = `/api/v1/layers/${encodeURIComponent(layer.value)}/export?format=${fmt.value}&crs=${crs.value}`;
    };
    for (const el of [layer, fmt, crs]) { el.addEventListener("change", update); box.appendChild(el); }
    box.appendChild(go);
    update();
    const Control = L.Control.extend({ onAdd: () => { L.DomEvent.disableClickPropagation(box); return box; } });
    new Control({ position: "bottomright" }).addTo(map);
    return box;
  };

  // The page's start (its own gm.start: panels, and the view it opens on), then its layers.
  // A page may hold back what is not its map (gm.afterDraw: the cockpit's panels and charts)
  // until the map is on the screen: its data drawn, and the frame showing it begun (the
  // canvases are drawn in that frame's animation callbacks), so the two do not compete for
  // the server, nor the panels' requests and charts for that frame.
  gm.begin = function (map, cfg) {
    gm.start(map, cfg);
    map._gmReady = true;
    const drawn = gm.reloadAll();
    if (gm.afterDraw) {
      drawn.then(() => {
        let went = false;
        const go = () => { if (!went) { went = true; gm.afterDraw(map, cfg); } };
        requestAnimationFrame(() => setTimeout(go, 0));
        setTimeout(go, 500);  // a page in a background tab has no frames
      });
    }
    return drawn;
  };

  // Every layer asks at once, and all draw together when the last has its data: one frame,
  // so the map's big canvases are handed to the screen once, not once per layer (each hand-over
  // copies every pixel of a canvas: 20-50 ms apiece on a big screen).
  gm.reloadAll = function () {
    const together = { fetched: [] };
    together.ready = new Promise((resolve) => { together.go = resolve; });
    const drawn = Object.values(gm.layers).map((l) => l.reload(together));
    Promise.all(together.fetched).then(together.go);
    return Promise.all(drawn);
  };
  // True once every layer on the map has drawn its data (used by tests and the benchmark).
  gm.settled = function (map) {
    return Object.values(gm.layers).every((l) => !map.hasLayer(l) || !l._gm.loading) &&
      Object.values(gm.layers).some((l) => map.hasLayer(l) && l._gm.features !== undefined);
  };
})();

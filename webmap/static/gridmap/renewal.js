/* A renewal project's page: its buildings coloured by share signed, the progress curve (days
   since mobilisation vs share signed), the work groups and buildings, and the exports. */
(function () {
  "use strict";
  const gm = window.gridmap;
  const $ = (id) => document.getElementById(id);
  const NS = "http://www.w3.org/2000/svg";
  function colour(rate) {
    const R = gm.color("rate");
    if (rate == null) return "#888888";
    if (rate >= 100) return R[5];
    if (rate >= 90) return R[4];
    if (rate >= 50) return R[3];
    return R[0];
  }
  function svg(tag, attrs, text) {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    if (text != null) e.textContent = String(text);
    return e;
  }
  function curve(p) {
    const box = $("gm-curve");
    box.replaceChildren();
    const W = 320, H = 180, L = 34, B = 22, T = 8, R = 8;
    const days = Math.max(1, ...p.daily.map((d) => d.since_mobilisation));
    const x = (d) => L + (W - L - R) * d / days;
    const y = (r) => H - B - (H - B - T) * r / 100;
    box.appendChild(svg("line", { x1: L, y1: y(0), x2: W - R, y2: y(0), stroke: "#99a" }));
    box.appendChild(svg("line", { x1: L, y1: y(0), x2: L, y2: y(100), stroke: "#99a" }));
    for (const r of [50, 100]) {
      box.appendChild(svg("text", { x: 2, y: y(r) + 4, "font-size": 10, fill: "#567" }, r + "%"));
      box.appendChild(svg("line", { x1: L, y1: y(r), x2: W - R, y2: y(r), stroke: "#e3e8ee" }));
    }
    box.appendChild(svg("text", { x: W - R - 40, y: H - 6, "font-size": 10, fill: "#567" }, days + " 天"));
    box.appendChild(svg("text", { x: L, y: H - 6, "font-size": 10, fill: "#567" }, "动员"));
    const pts = [[x(0), y(0)]].concat(p.daily.map((d) => [x(d.since_mobilisation), y(d.rate_pct || 0)]));
    box.appendChild(svg("polyline", { points: pts.map((q) => q.join(",")).join(" "), fill: "none",
      stroke: gm.color("rate")[5], "stroke-width": 2, class: "gm-curve-line" }));
    box.dataset.points = String(p.daily.length);
  }
  function table(el, head, rows) {
    el.replaceChildren();
    const tr = gm.el("tr");
    for (const h of head) tr.appendChild(gm.el("th", null, h));
    el.appendChild(tr);
    for (const r of rows) {
      const row = gm.el("tr");
      for (const v of r) row.appendChild(gm.el("td", null, v == null ? "" : v));
      el.appendChild(row);
    }
  }
  gm.start = function (map) {
    document.body.classList.add("gm-planner");
    const id = Number(location.pathname.split("/").pop());
    const api = `/api/v1/renewal/projects/${id}`;
    $("gm-xlsx").href = `${api}/export?format=xlsx`;
    $("gm-csv-b").href = `${api}/export?format=csv&table=buildings`;
    $("gm-csv-g").href = `${api}/export?format=csv&table=groups`;
    $("gm-csv-d").href = `${api}/export?format=csv&table=daily`;
    Promise.all([gm.getJSON(api), gm.getJSON(`${api}/buildings.geojson`)]).then(([p, fc]) => {
      $("gm-project").textContent = `${p.name} · ${p.compound.name}`;
      $("gm-rate").textContent = p.rate_pct + "%";
      $("gm-counts").textContent =
        `${p.households} 户，已签约 ${p.signed} 户；${p.representatives} 名楼幢代表；` +
        `历时 ${p.days} 天（${p.started_on} 起，${p.mobilised_on} 动员，${p.last_signed_on} 最后签约）`;
      curve(p);
      table($("gm-groups"), ["工作组", "楼幢", "户数", "已签", "签约率"],
        p.groups.map((g) => [g.name, g.buildings.join("、"), g.households, g.signed, g.rate_pct + "%"]));
      table($("gm-buildings"), ["楼幢", "户数", "已签", "签约率", "工作组"],
        p.buildings.map((b) => [b.name, b.households, b.signed, b.rate_pct + "%", b.group]));
      const layer = L.geoJSON(fc, {
        coordsToLatLng: (c) => gm.toDisplay(c[0], c[1]),
        style: (f) => ({ color: "#333", weight: 1, fillOpacity: 0.8, fillColor: colour(f.properties.rate_pct) }),
        onEachFeature: (f, l) => {
          const q = f.properties;
          l.bindTooltip(() => gm.esc(`${q.name}：${q.signed}/${q.households}（${q.rate_pct}%）`), { sticky: true });
        },
      }).addTo(map);
      gm.renewal = { project: p, layer: layer };
      if (layer.getLayers().length) map.fitBounds(layer.getBounds(), { paddingTopLeft: [360, 20] });
    }).catch(() => { $("gm-project").textContent = "无法读取该项目"; });
  };
})();

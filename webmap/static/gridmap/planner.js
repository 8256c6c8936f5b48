(function () {
  "use strict";
  const gm = window.gridmap;
  let map, areas, compounds, candidates = [], candidateLayer, suggestLayer, last = null, adding = false;
  const $ = (id) => document.getElementById(id);
  const answer = (r) => r.json().then((body) => { if (!r.ok) throw new Error(body.message || r.statusText); return body; });

  function params() {
    const q = { kind: $("gm-kind").value, speed: $("gm-speed").value || "1.0" };
    if ($("gm-minutes").value) q.minutes = $("gm-minutes").value; else q.threshold_m = $("gm-threshold").value;
    return q;
  }
  function pctColor(p) {
    const step = gm.color("coverage").find(([from]) => p >= from);
    return step ? step[1] : gm.color("uncovered");
  }
  function showTotals(res) {
    const t = res.totals, box = $("gm-totals");
    box.replaceChildren();
    box.appendChild(gm.el("div", "gm-big", `${t.households_covered_pct}%`));
    box.appendChild(gm.el("div", null, `步行 ${Math.round(res.threshold_m)} 米内覆盖 ${t.households_covered} / ${t.households} 户（${t.compounds_covered} / ${t.compounds} 个小区）`));
    box.appendChild(gm.el("div", "gm-muted", `若按直线距离：${t.straight_covered_pct}%（直线缓冲高估了覆盖）· 设施 ${res.facilities} 处`));
  }
  function showGaps(res) {
    const ol = $("gm-gaps");
    ol.replaceChildren();
    const geo = compounds ? compounds._gmByCode : {};
    for (const g of res.gaps.slice(0, 15)) {
      const li = gm.el("li", null, `${g.name} · ${g.households} 户 · ${g.network_m == null ? `超过 ${Math.round(res.network_limit_m)} 米` : Math.round(g.network_m) + " 米"}`);
      li.addEventListener("click", () => { const l = geo[g.code]; if (l) map.fitBounds(l.getBounds(), { maxZoom: 17 }); });
      ol.appendChild(li);
    }
  }
  function showCommunities(res) {
    const table = $("gm-comm-table");
    table.replaceChildren();
    const head = gm.el("tr");
    for (const h of ["社区", "户数", "覆盖率", "直线"]) head.appendChild(gm.el("th", null, h));
    table.appendChild(head);
    const byCode = {};
    for (const c of [...res.communities].sort((a, b) => a.households_covered_pct - b.households_covered_pct)) {
      byCode[c.code] = c;
      const tr = gm.el("tr");
      tr.appendChild(gm.el("td", null, c.name));
      tr.appendChild(gm.el("td", null, c.households));
      tr.appendChild(gm.el("td", null, c.households_covered_pct + "%"));
      tr.appendChild(gm.el("td", "gm-muted", c.straight_covered_pct + "%"));
      table.appendChild(tr);
    }
    colourCommunities(byCode, (c) => c.households_covered_pct);
  }
  // the communities layer as a choropleth of a share per community (byCode: code → row)
  function colourCommunities(byCode, pct) {
    const comm = gm.layers.communities;
    if (!comm) return;
    if (!map.hasLayer(comm)) map.addLayer(comm);
    comm.setStyle((f) => {
      const c = byCode[f.properties.code];
      return c ? { color: "#555", weight: 1, fillOpacity: 0.35, fillColor: pctColor(pct(c)) } : { fillOpacity: 0 };
    });
  }
  // 生活圈达标: the circle's services each compound reaches, the communities coloured by the
  // share of their compounds that reach them all, the missing services listed
  function lifeCircle(level) {
    return fetch(`/api/v1/coverage/lifecircle?level=${level}`).then(answer).then((res) => {
      const t = res.totals;
      $("gm-lc-totals").textContent = `${level}分钟生活圈（${Math.round(res.threshold_m)} 米）：${t.complete} / ${t.compounds} 个小区配套齐全，达标率 ${t.rate_pct == null ? "–" : t.rate_pct + "%"}`;
      const table = $("gm-lc-table");
      table.replaceChildren();
      const head = gm.el("tr");
      for (const h of ["社区", "达标率", "缺少（小区数）"]) head.appendChild(gm.el("th", null, h));
      table.appendChild(head);
      const byCode = {};
      for (const c of [...res.communities].sort((a, b) => (a.rate_pct ?? 0) - (b.rate_pct ?? 0))) {
        byCode[c.code] = c;
        const tr = gm.el("tr");
        tr.appendChild(gm.el("td", null, c.name));
        tr.appendChild(gm.el("td", null, c.rate_pct == null ? "–" : c.rate_pct + "%"));
        tr.appendChild(gm.el("td", "gm-muted", Object.entries(c.missing).map(([s, n]) => `${s} ${n}`).join("、")));
        table.appendChild(tr);
      }
      colourCommunities(byCode, (c) => c.rate_pct ?? 0);
      gm.lifecircle = res;
    }).catch((e) => { $("gm-lc-totals").textContent = "未能计算：" + e.message; });
  }
  // 楼宇服务站 and 小哥驿站 serve more than households: the employees of business buildings, the
  // shops and market stalls within their walking areas, with the largest gaps (the API's words)
  function showDemand(q) {
    const box = $("gm-demand");
    box.replaceChildren();
    if (q.minutes || !["300", "500", "1000"].includes(String(q.threshold_m))) return Promise.resolve(null);
    return fetch(`/api/v1/coverage/demand?kind=${encodeURIComponent(q.kind)}&threshold_m=${q.threshold_m}`).then(answer).then((res) => {
      gm.demand = res;
      if (!res.of) return res;
      const t = res.totals, w = res.words;
      box.appendChild(gm.el("div", null, `${w.label}：步行 ${Math.round(res.threshold_m)} 米内 ${t.weight_reached} / ${t.weight} ${w.unit}（${t.weight_pct == null ? "–" : t.weight_pct + "%"}）· ${w.points} ${t.points_reached} / ${t.points}`));
      box.appendChild(gm.el("div", "gm-muted", `口径：${res.rule}`));
      const ol = gm.el("ol", "gm-list");
      for (const g of res.gaps.slice(0, 5)) {
        const li = gm.el("li", null, `${g.name} · ${g.area || ""} · ${g.weight} ${w.unit}`);
        li.addEventListener("click", () => map.setView(gm.toDisplay(g.lon, g.lat), 17));
        ol.appendChild(li);
      }
      box.appendChild(ol);
      return res;
    }).catch((e) => { box.textContent = "未能计算需求覆盖：" + e.message; });
  }
  function run() {
    showDemand(params());
    const q = new URLSearchParams(params());
    $("gm-run").disabled = true;
    $("gm-totals").textContent = "计算中…";
    // A refused run (e.g. a walk longer than the 2 km the network is kept to) says why.
    const ok = (r) => r.json().then((body) => { if (!r.ok) throw new Error(body.message || r.statusText); return body; });
    const table = fetch("/api/v1/coverage?" + q).then(ok);
    const geo = fetch("/api/v1/coverage?" + q + "&format=geojson").then(ok);
    const walk = fetch("/api/v1/coverage/areas?" + q).then(ok);
    return Promise.all([table, geo, walk]).then(([res, fc, wa]) => {
      last = res;
      if (areas) areas.remove();
      areas = L.geoJSON(wa, { coordsToLatLng: (c) => gm.toDisplay(c[0], c[1]), style: { color: gm.color("area"), weight: 1, fillOpacity: 0.15 },
        onEachFeature: (f, l) => l.bindTooltip(() => gm.esc(f.properties.name)) }).addTo(map);
      if (compounds) compounds.remove();
      compounds = L.geoJSON(fc, { coordsToLatLng: (c) => gm.toDisplay(c[0], c[1]),
        style: (f) => ({ color: gm.color(f.properties.covered ? "covered" : "uncovered"), weight: 1.5, fillOpacity: 0.5 }),
        onEachFeature: (f, l) => {
          compounds && (compounds._gmByCode[f.properties.code] = l);
          const p = f.properties;
          l.bindTooltip(() => gm.esc(`${p.name}：${p.covered ? "已覆盖" : "未覆盖"}，步行 ${p.network_m == null ? "—" : Math.round(p.network_m)} 米 / 直线 ${p.straight_m == null ? "—" : Math.round(p.straight_m)} 米`));
        } });
      compounds._gmByCode = {};
      compounds.eachLayer((l) => { compounds._gmByCode[l.feature.properties.code] = l; });
      compounds.addTo(map);
      showTotals(res); showGaps(res); showCommunities(res);
      gm.walkingAreas = wa.features.map((f) => f.properties.threshold_m);
      gm.coverageRuns = (gm.coverageRuns || 0) + 1;
    }).catch((e) => {
      $("gm-totals").textContent = "无法分析：" + e.message;  // text, never HTML
      gm.coverageErrors = (gm.coverageErrors || 0) + 1;
    }).finally(() => { $("gm-run").disabled = false; });
  }
  function runScenario() {
    const body = Object.assign(params(), { add: candidates.map((c) => ({ lon: c[0], lat: c[1] })) });
    for (const k of ["threshold_m", "minutes", "speed"]) if (body[k] != null) body[k] = Number(body[k]);
    $("gm-scenario").textContent = "计算方案…";
    return gm.post("/api/v1/coverage/scenario", body)
      .then((r) => r.json()).then((res) => {
        $("gm-scenario").textContent = `方案：新增 ${candidates.length} 处候选点，覆盖由 ${res.before.households_covered_pct}% 变为 ${res.after.households_covered_pct}%（${res.delta_households >= 0 ? "+" : ""}${res.delta_households} 户）`;
        gm.lastScenario = res;
      });
  }
  function runSuggest() {
    const body = Object.assign(params(), { k: 3 });
    for (const k of ["threshold_m", "minutes", "speed"]) if (body[k] != null) body[k] = Number(body[k]);
    $("gm-scenario").textContent = "推荐计算中…";
    return gm.post("/api/v1/coverage/suggest", body)
      .then((r) => r.json()).then((res) => {
        suggestLayer.clearLayers();
        const lines = res.sites.map((s, i) => {
          L.circleMarker(gm.toDisplay(s.lon, s.lat), { radius: 9, color: gm.color("suggested"), weight: 3, fillOpacity: 0.6 })
            .bindTooltip(() => gm.esc(`推荐${i + 1}：${s.label}（+${s.households_gained} 户）`)).addTo(suggestLayer);
          return `${i + 1}. ${s.label} +${s.households_gained}户`;
        });
        $("gm-scenario").textContent = lines.length ? "推荐（贪心最大覆盖）：" + lines.join("；") : "已无可改善的候选点";
      });
  }
  gm.runCoverage = run;
  gm.start = function (m, cfg) {
    for (const b of document.querySelectorAll(".gm-lifecircle")) {
      b.addEventListener("click", () => lifeCircle(b.dataset.level));
    }
    if (!window.matchMedia("(max-width: 600px)").matches) gm.exportControl(m);
    map = m;
    document.body.classList.add("gm-planner");
    const b = cfg.bounds;
    map.fitBounds(L.latLngBounds(gm.toDisplay(b[0], b[1]), gm.toDisplay(b[2], b[3])), { paddingTopLeft: [360, 10], animate: false });
    for (const [code, label] of cfg.kinds) {
      const o = gm.el("option", null, label); o.value = code; $("gm-kind").appendChild(o);
    }
    $("gm-kind").value = "party_service_centre";
    candidateLayer = L.layerGroup().addTo(map);
    suggestLayer = L.layerGroup().addTo(map);
    $("gm-cov-form").addEventListener("submit", (e) => { e.preventDefault(); run(); });
    $("gm-suggest").addEventListener("click", runSuggest);
    $("gm-add-mode").addEventListener("click", () => {
      adding = !adding;
      gm.picking = adding;
      $("gm-add-mode").textContent = adding ? "完成添加" : "点击地图添加候选点";
      map.getContainer().style.cursor = adding ? "crosshair" : "";
    });
    const add = (latlng) => {
      const p = gm.fromDisplay(latlng);
      candidates.push(p);
      L.circleMarker(latlng, { radius: 8, color: "#111", weight: 2, fillColor: gm.color("candidate"), fillOpacity: 0.9 }).addTo(candidateLayer);
      runScenario();
    };
    map.on("click", (e) => { if (adding) add(e.latlng); });
    // a click on a drawn feature (a compound, a community) is the feature's: add it all the same
    map.on("gridmap:select", (e) => { if (adding) { map.closePopup(); add(e.latlng); } });
  };
})();

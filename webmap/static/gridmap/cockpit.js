(function () {
  "use strict";
  const gm = window.gridmap;
  function bars(el, rows, label) {
    el.replaceChildren();
    const max = Math.max(1, ...rows.map((r) => r.open));
    for (const r of rows.slice(0, 18)) {
      const row = gm.el("div", "gm-bar-row");
      row.appendChild(gm.el("span", "gm-bar-label", r[label]));
      const track = gm.el("span", "gm-bar-track");
      const fill = gm.el("span", "gm-bar-fill");
      fill.style.width = (100 * r.open / max).toFixed(1) + "%";
      track.appendChild(fill);
      row.appendChild(track);
      row.appendChild(gm.el("span", "gm-bar-value", r.open));
      el.appendChild(row);
    }
  }
  gm.refreshStats = function () {
    return fetch("/api/v1/stats/cockpit").then((r) => r.json()).then((s) => {
      gm.lastStats = s;
      document.getElementById("kpi-today").textContent = s.today;
      document.getElementById("kpi-open").textContent = s.open;
      document.getElementById("kpi-overdue").textContent = s.overdue;
      document.getElementById("kpi-intime").textContent = s.resolved_in_time_pct == null ? "–" : s.resolved_in_time_pct + "%";
      bars(document.getElementById("gm-streets"), s.by_street, "name");
      bars(document.getElementById("gm-categories"), s.by_category, "name");
      const hot = document.getElementById("gm-hotspots");
      hot.replaceChildren();
      if (!s.hotspots.length) hot.appendChild(gm.el("li", "gm-muted", "暂无异常"));
      for (const h of s.hotspots) {
        const li = gm.el("li");
        li.appendChild(gm.el("b", null, h.name || h.code));
        li.appendChild(gm.el("span", "gm-muted", ` ${h.last_24h} 件 / 日均 ${h.per_day}`));
        hot.appendChild(li);
      }
      document.getElementById("gm-updated").textContent = new Date().toLocaleTimeString("zh-CN");
      gm.statsVersion = (gm.statsVersion || 0) + 1;
    });
  };
  // The 居民小区 panel: the district's (or the cockpit's street's) indicators, each with its
  // numerator and denominator; the select colours the communities by one of them. Their keys
  // and labels are the registry's (layers/registry.py RESIDENTIAL_INDICATORS), sent in the
  // page config: none are copied here.
  function rows(id) {
    const table = document.getElementById(id);
    table.replaceChildren();
    return (label, value, rate) => {
      const tr = gm.el("tr");
      tr.appendChild(gm.el("th", null, label));
      tr.appendChild(gm.el("td", "gm-muted", value));
      tr.appendChild(gm.el("td", "gm-rate", rate));
      table.appendChild(tr);
    };
  }
  const pct = (v) => (v == null ? "–" : v + "%");
  // 三区: the residential (above), business and open-block sides of the district or a street.
  gm.refreshZones = function (cfg) {
    const q = cfg.street ? "?street=" + encodeURIComponent(cfg.street) : "";
    const business = fetch("/api/v1/stats/business" + q).then((r) => r.json()).then((b) => {
      const row = rows("gm-business");
      row("服务企业（近一年走访）", `${b.firms_served}/${b.firms}`, "");
      row("诉求办结率", `${b.closed}/${b.needs}`, pct(b.closure_rate_pct));
      row("重点税源覆盖", `${b.key_taxpayers_visited}/${b.key_taxpayers}`, pct(b.key_taxpayer_coverage_pct));
      row("本月走访", String(b.visits_this_month), "");
      row("减少打扰（申请→走访）", `${b.requests}→${b.visits}`, `−${b.disturbance_saved}`);
      document.getElementById("gm-business").dataset.version = String(Date.now());
    });
    const blocks = fetch("/api/v1/stats/blocks" + q).then((r) => r.json()).then((b) => {
      const row = rows("gm-blocks");
      row("街区", String(b.blocks), "");
      row("商铺/摊位党员包干", `${b.covered}/${b.shops + b.stalls}`, pct(b.covered_pct));
      row("流动党员", String(b.mobile_members), "");
      row("议事会", String(b.meetings), "");
      row("违反街区公约（近一年）", String(b.breaches_365d), "");
      document.getElementById("gm-blocks").dataset.version = String(Date.now());
    });
    return Promise.all([business, blocks]);
  };
  gm.refreshResidential = function (cfg) {
    const q = cfg.street ? "?street=" + encodeURIComponent(cfg.street) : "";
    return fetch("/api/v1/stats/residential" + q).then((r) => r.json()).then((s) => {
      const table = document.getElementById("gm-residential");
      const row = rows("gm-residential");
      row("小区", s.compounds, "");
      for (const [key, label] of gm.config.words.indicators) {
        const v = s[key];
        if (!v || v.numerator === undefined) continue; // by type: the rows below
        row(label, `${v.numerator}/${v.denominator}`, v.rate == null ? "–" : v.rate + "%");
      }
      for (const [type, v] of Object.entries(s.open_cases_per_100_households || {})) {
        row(`${type}每百户在办`, `${v.numerator}/${v.denominator}户`, v.rate == null ? "–" : String(v.rate));
      }
      table.dataset.version = String((Number(table.dataset.version) || 0) + 1);
    });
  };
  function colourBy(map) {
    const pick = document.getElementById("gm-res-color");
    const layer = gm.layers.residential_indicators;
    if (!pick || !layer) return;
    for (const [key, label] of layer._gm.spec.choropleth_options) {
      const o = gm.el("option", null, label);
      o.value = key;
      pick.appendChild(o);
    }
    pick.value = layer._gm.spec.choropleth;
    pick.addEventListener("change", () => {
      layer._gm.spec.choropleth = pick.value;
      if (!map.hasLayer(layer)) map.addLayer(layer); else layer.reload();
    });
  }
  // Drill into a street: the three sides' panels follow the picker (no reload).
  let scoped = false;
  function scopes(cfg) {
    if (scoped) return;
    scoped = true;
    const pick = document.getElementById("gm-scope");
    for (const s of gm.lastStats.by_street) {
      const o = gm.el("option", null, s.name);
      o.value = s.code;
      pick.appendChild(o);
    }
    pick.value = cfg.street || "";
    pick.addEventListener("change", () => {
      cfg.street = pick.value || null;
      cfg.streetName = pick.value ? pick.options[pick.selectedIndex].textContent : null;
      document.getElementById("gm-res-scope").textContent = cfg.streetName || cfg.district;
      gm.refreshResidential(cfg);
      gm.refreshZones(cfg);
    });
  }
  gm.start = function (map, cfg) {
    if (!window.matchMedia("(max-width: 600px)").matches) gm.exportControl(map);
    document.body.classList.add("gm-cockpit");
    document.getElementById("gm-district").textContent = cfg.district;
    const b = cfg.bounds;
    const side = window.innerWidth > 3000 ? 700 : 350;  // keep the district clear of the panels
    map.options.zoomSnap = 0.25;  // a big screen is filled by the district, not by a power of two
    map.fitBounds(L.latLngBounds(gm.toDisplay(b[0], b[1]), gm.toDisplay(b[2], b[3])),
      { paddingTopLeft: [side, 20], paddingBottomRight: [side - 30, 20], animate: false });
    const tick = () => { document.getElementById("gm-clock").textContent = new Date().toLocaleString("zh-CN"); };
    tick(); setInterval(tick, 1000);
    gm.refreshStats().then(() => scopes(cfg));
    document.getElementById("gm-res-scope").textContent = cfg.streetName || cfg.district;
    gm.refreshResidential(cfg);
    gm.refreshZones(cfg);
    colourBy(map);
    // Numbers and the case and grid layers refresh in place; the page never reloads.
    setInterval(() => {
      gm.refreshStats();
      gm.refreshResidential(cfg);
      gm.refreshZones(cfg);
      for (const id of ["cases", "cases:heat", "grids"]) if (gm.layers[id]) gm.layers[id].reload();
    }, cfg.refreshSeconds * 1000);
  };
})();

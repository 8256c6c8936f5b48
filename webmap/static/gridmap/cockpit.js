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
      document.getElementById("gm-updated").textContent = clock(new Date()).slice(-8);
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
    // where riders report against where grid workers patrol (the district's or the street's)
    const riders = fetch("/api/v1/stats/riders?days=30").then((r) => r.json()).then((x) => {
      const mine = cfg.street ? x.streets.filter((s) => s.code === cfg.street) : x.streets;
      const sum = (k) => mine.reduce((a, s) => a + s[k], 0);
      const row = rows("gm-riders");
      row("骑手上报", String(sum("rider_reports")), "");
      row(`巡查未经过处（${x.near_m} 米外）`, String(sum("off_patrols")), "");
      row("网格员主动发现", String(sum("worker_found")), "");
      row("巡查里程（公里）", sum("patrol_km").toFixed(1), "");
      gm.riders = { streets: mine, total: { rider_reports: sum("rider_reports"), off_patrols: sum("off_patrols") } };
      document.getElementById("gm-riders").dataset.version = String(Date.now());
    });
    return Promise.all([business, blocks, riders]);
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
      if (s.societies) row("群众性社团", `${s.societies.count} 个`, `近一年活动 ${s.societies.activities_365d} 场`);
      if (s.joint_meetings) row("三方联席会议（近一年）", `${s.joint_meetings.held} 次`, `三方到齐 ${s.joint_meetings.three_parties_present}`);
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
  // Trends, the evaluation and the warnings: charts by ECharts (vendored), whose words are the
  // page config's (geo/evaluation/words.py SERIES_LABELS).
  const charts = {};
  function chart(id) {
    if (!charts[id]) charts[id] = echarts.init(document.getElementById(id), null, { renderer: "canvas" });
    return charts[id];
  }
  const INK = "#9cc3e6";
  const AXIS = { axisLine: { lineStyle: { color: "#5b7a99" } }, axisLabel: { color: INK }, splitLine: { lineStyle: { color: "#17324d" } } };
  const COLOURS = { reported: "#5b8def", closed: "#1a9850", overdue: "#d7263d" };
  function lines(id, s, label) {
    const t = s.series.total || { reported: [], closed: [], overdue: [] };
    const words = gm.config.words.series;
    const box = document.getElementById(id);
    let key = box.previousElementSibling;
    if (!key || !key.classList.contains("gm-chart-legend")) {
      key = gm.el("div", "gm-chart-legend");
      box.parentNode.insertBefore(key, box);
      for (const k of Object.keys(words)) {
        const swatch = gm.el("i");
        swatch.style.background = COLOURS[k];
        key.append(swatch, words[k]);
      }
    }
    chart(id).setOption({
      animation: false,
      grid: { left: 36, right: 8, top: 8, bottom: 20 },
      tooltip: { trigger: "axis" },
      xAxis: Object.assign({ type: "category", data: s.buckets.map(label) }, AXIS),
      yAxis: Object.assign({ type: "value", minInterval: 1 }, AXIS),
      series: Object.keys(words).map((k) => ({
        name: words[k], type: "line", data: t[k], smooth: true, showSymbol: false,
        lineStyle: { color: COLOURS[k] }, itemStyle: { color: COLOURS[k] },
      })),
    });
    return t;
  }
  const hourLabel = (b) => b.slice(11, 13) + "时";
  gm.refreshTrends = function () {
    const month = fetch("/api/v1/stats/series?interval=day").then((r) => r.json())
      .then((s) => { gm.trend30 = lines("gm-trend-30", s, (b) => b.slice(5, 10)); });
    const day = play.day ? null : fetch("/api/v1/stats/series?interval=hour").then((r) => r.json())
      .then((s) => { if (!play.day) gm.trend24 = lines("gm-trend-24", s, hourLabel); });
    return Promise.all([month, day]);
  };
  // Playback (回放): a past day's cases on the map hour by hour (the cases layer's `at`, from
  // the same tiles), the day's hourly series in the 24-hour chart with the hour marked, and
  // the counts up to the hour (sums of the same series: what the map shows is what they count).
  const play = { day: null, hour: 24, series: null, timer: null };
  const HOUR_MS = 3600e3;
  const dayStart = (day) => new Date(`${day}T00:00:00+08:00`).getTime();
  const districtDay = (t) => new Date(t + 8 * HOUR_MS).toISOString().slice(0, 10);
  const caseLayers = () => ["cases", "cases:heat"].map((id) => gm.layers[id]).filter(Boolean);
  function showHour() {
    const at = new Date(dayStart(play.day) + play.hour * HOUR_MS).toISOString();
    const hh = String(play.hour).padStart(2, "0") + ":00";
    const t = play.series.series.total || { reported: [], closed: [], overdue: [] };
    const words = gm.config.words.series, counts = {};
    for (const k of Object.keys(words)) counts[k] = t[k].slice(0, play.hour).reduce((a, b) => a + b, 0);
    document.getElementById("gm-play-at").textContent = hh;
    document.getElementById("gm-play-title").textContent = `${play.day.slice(5)} 回放至 ${hh} · ` +
      Object.keys(words).map((k) => `${words[k]} ${counts[k]}`).join(" · ");
    // the hour reached: a band behind the lines (the simple ECharts build has no markLine)
    const top = Math.max(1, ...Object.keys(words).flatMap((k) => t[k]));
    chart("gm-trend-24").setOption({ series: [{}, {}, {}, { name: "回放至", type: "bar", silent: true, z: 0,
      barWidth: "90%", itemStyle: { color: "rgba(255,180,84,0.35)" },
      data: play.series.buckets.map((_, i) => (i === play.hour - 1 ? top : null)) }] });
    for (const l of caseLayers()) l._gm.params.at = at;
    gm.playback = { day: play.day, hour: play.hour, at: at, counts: counts, drawn: false };
    return Promise.all(caseLayers().map((l) => l.reload())).then(() => {
      if (gm.playback && gm.playback.at === at) gm.playback.drawn = true;
    });
  }
  function stop() { clearInterval(play.timer); play.timer = null; document.getElementById("gm-play").textContent = "▶"; }
  function live() {
    stop();
    play.day = null;
    gm.playback = null;
    document.getElementById("gm-play-day").value = "";
    document.getElementById("gm-play-title").textContent = "近 24 小时上报";
    document.getElementById("gm-play-at").textContent = "";
    for (const id of ["gm-play", "gm-play-hour"]) document.getElementById(id).disabled = true;
    document.getElementById("gm-play-live").hidden = true;
    for (const l of caseLayers()) delete l._gm.params.at;
    chart("gm-trend-24").clear();
    return Promise.all([gm.refreshTrends(), ...caseLayers().map((l) => l.reload())]);
  }
  gm.playDay = function (day) {
    stop();
    play.day = day;
    const today = districtDay(Date.now());
    const last = day === today ? Math.floor((Date.now() - dayStart(day)) / HOUR_MS) + 1 : 24;
    const slider = document.getElementById("gm-play-hour");
    slider.max = String(last);
    play.hour = last;
    slider.value = String(last);
    const since = encodeURIComponent(new Date(dayStart(day)).toISOString());
    const until = encodeURIComponent(new Date(dayStart(day) + 24 * HOUR_MS).toISOString());
    return loadCharts().then(() => fetch(`/api/v1/stats/series?interval=hour&since=${since}&until=${until}`)).then((r) => r.json()).then((s) => {
      if (play.day !== day) return null;
      play.series = s;
      chart("gm-trend-24").clear();
      gm.trend24 = lines("gm-trend-24", s, hourLabel);
      for (const id of ["gm-play", "gm-play-hour"]) document.getElementById(id).disabled = false;
      document.getElementById("gm-play-live").hidden = false;
      return showHour();
    });
  };
  gm.playHour = function (hour) {
    play.hour = hour;
    document.getElementById("gm-play-hour").value = String(hour);
    return showHour();
  };
  function playback() {
    const day = document.getElementById("gm-play-day"), slider = document.getElementById("gm-play-hour");
    day.max = districtDay(Date.now());
    day.addEventListener("change", () => (day.value ? gm.playDay(day.value) : live()));
    slider.addEventListener("input", () => { stop(); gm.playHour(Number(slider.value)); });
    document.getElementById("gm-play-live").addEventListener("click", live);
    document.getElementById("gm-play").addEventListener("click", (ev) => {
      if (play.timer) { stop(); return; }
      ev.currentTarget.textContent = "⏸";
      if (play.hour >= Number(slider.max)) gm.playHour(1);
      play.timer = setInterval(() => {
        if (play.hour >= Number(slider.max)) { stop(); return; }
        gm.playHour(play.hour + 1);
      }, 1500);
    });
  }
  // Last month's 综合评价 of the streets in the caller's areas, best on top
  gm.refreshEvaluation = function () {
    const now = new Date(), prev = new Date(now.getFullYear(), now.getMonth() - 1, 1);
    const period = `${prev.getFullYear()}-${String(prev.getMonth() + 1).padStart(2, "0")}`;
    return fetch(`/api/v1/stats/evaluation?level=street&period=${period}`).then((r) => r.json()).then((ev) => {
      document.getElementById("gm-eval-period").textContent = period;
      const ranked = ev.entities.filter((e) => e.score != null).slice(0, 18).reverse();
      chart("gm-eval").setOption({
        animation: false,
        grid: { left: 64, right: 34, top: 2, bottom: 2 },
        tooltip: { trigger: "axis" },
        xAxis: Object.assign({ type: "value", min: Math.floor(Math.min(...ranked.map((e) => e.score), 100) - 5), max: 100, show: false }, AXIS),
        yAxis: Object.assign({ type: "category", data: ranked.map((e) => e.name) }, AXIS, { axisLabel: { color: INK, fontSize: 9, interval: 0 } }),
        series: [{ type: "bar", data: ranked.map((e) => e.score), barWidth: "60%",
                   itemStyle: { color: "#3f7f8c" }, label: { show: true, position: "right", color: "#e6eef7", fontSize: 10 } }],
      });
      gm.evaluation = ev;
    });
  };
  // One click puts a recurring place to its place's next 议事会 (POST /api/v1/meetings/proposals:
  // its compound, block or building; the next meeting there, or one a week on); the answer is
  // said in the item. Everyone who opens the cockpit may propose, in their areas.
  function propose(p) {
    const button = gm.el("button", "gm-propose", "提交议事会");
    button.type = "button";
    button.addEventListener("click", (ev) => {
      ev.stopPropagation();
      button.disabled = true;
      fetch("/api/v1/meetings/proposals", {
        method: "POST",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": gm.csrf() || "" },
        body: JSON.stringify({ cases: p.cases }),
      }).then((r) => r.json().then((out) => {
        if (!r.ok) throw new Error(out.message || r.statusText);
        const m = out.meeting;
        const said = `${out.created ? "已安排" : "已列入"}${m.place.name || ""}${m.kind}（${m.held_on}）· ${out.added.length} 件`;
        button.replaceWith(gm.el("span", "gm-proposed", said));
        gm.proposed = out;
      })).catch((e) => { button.disabled = false; button.title = e.message; button.textContent = "未能提交：" + e.message; });
    });
    return button;
  }
  // 事件预警: today's spikes and recurring places, listed and (places) marked on the map
  let warned = null;
  gm.refreshWarnings = function (map) {
    return fetch("/api/v1/stats/warnings").then((r) => r.json()).then((w) => {
      const ol = document.getElementById("gm-warnings");
      ol.replaceChildren();
      if (warned) warned.remove();
      warned = L.layerGroup().addTo(map);
      for (const s of w.spikes) {
        const li = gm.el("li", "gm-warning-item");
        li.appendChild(gm.el("b", null, `${s.community.name || s.community.code} · ${s.category.name}`));
        li.appendChild(gm.el("span", "gm-muted", ` 今日 ${s.count} 件，往常约 ${s.baseline.toFixed(1)} 件`));
        ol.appendChild(li);
      }
      for (const p of w.places) {
        const li = gm.el("li", "gm-warning-item");
        li.appendChild(gm.el("b", null, `${p.category.name} 反复发生`));
        li.appendChild(gm.el("span", "gm-muted", ` 7 天 ${p.count} 件 · ${p.community.name || ""}`));
        const at = gm.toDisplay(p.lon, p.lat);
        li.addEventListener("click", () => map.setView(at, 17));
        li.appendChild(propose(p));
        L.circleMarker(at, { radius: 12, color: "#ffb454", weight: 3, fillOpacity: 0.15 })
          .bindTooltip(() => gm.esc(`${p.category.name}：7 天 ${p.count} 件`)).addTo(warned);
        ol.appendChild(li);
      }
      if (!w.spikes.length && !w.places.length) ol.appendChild(gm.el("li", "gm-muted", "暂无预警"));
      gm.warnings = w;
    });
  };
  // The big screen's clock, 2026/12/5 08:03:09 as zh-CN writes it: by hand, since the first
  // toLocaleString loads the locale's data (15-20 ms of the page's start)
  function clock(d) {
    const two = (n) => String(n).padStart(2, "0");
    return `${d.getFullYear()}/${d.getMonth() + 1}/${d.getDate()} ` +
      `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  }
  gm.start = function (map, cfg) {
    if (!window.matchMedia("(max-width: 600px)").matches) gm.exportControl(map);
    gm.control3d(map);
    document.body.classList.add("gm-cockpit");
    document.getElementById("gm-district").textContent = cfg.district;
    const b = cfg.bounds;
    const side = window.innerWidth > 3000 ? 700 : 350;  // keep the district clear of the panels
    map.options.zoomSnap = 0.25;  // a big screen is filled by the district, not by a power of two
    const strip = window.innerWidth > 3000 ? 500 : 250;  // the trends' strip along the bottom
    map.fitBounds(L.latLngBounds(gm.toDisplay(b[0], b[1]), gm.toDisplay(b[2], b[3])),
      { paddingTopLeft: [side, 20], paddingBottomRight: [side - 30, strip], animate: false });
    const tick = () => { document.getElementById("gm-clock").textContent = clock(new Date()); };
    tick(); setInterval(tick, 1000);
    document.getElementById("gm-res-scope").textContent = cfg.streetName || cfg.district;
    colourBy(map);
    playback();
    let ready;
    gm.cockpitReady = new Promise((resolve) => { ready = resolve; });
    // the map first (its layers), then the figures, the panels and the strip: ECharts loads
    // then too
    gm.afterDraw = function () {
      gm.refreshStats().then(() => scopes(cfg));
      gm.refreshResidential(cfg);
      gm.refreshZones(cfg);
      const charts = loadCharts().then(() => Promise.all([gm.refreshTrends(), gm.refreshEvaluation()]));
      Promise.all([charts, gm.refreshWarnings(map)]).then(ready);
      // Numbers and the case and grid layers refresh in place; the page never reloads.
      setInterval(() => {
        gm.refreshStats();
        gm.refreshResidential(cfg);
        gm.refreshZones(cfg);
        gm.refreshTrends();
        gm.refreshWarnings(map);
        for (const id of ["cases", "cases:heat", "grids"]) if (gm.layers[id]) gm.layers[id].reload();
      }, cfg.refreshSeconds * 1000);
    };
  };
  // Apache ECharts (vendored, scripts/vendor.py), fetched once the map has drawn
  let echartsLoading = null;
  function loadCharts() {
    if (window.echarts) return Promise.resolve();
    echartsLoading = echartsLoading || new Promise((resolve, reject) => {
      const s = document.createElement("script");
      s.src = "/static/vendor/echarts/echarts.simple.min.js";
      s.onload = resolve;
      s.onerror = () => { echartsLoading = null; reject(new Error("ECharts 未能加载")); };
      document.head.appendChild(s);
    });
    return echartsLoading;
  }
})();

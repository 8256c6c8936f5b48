/* A building commissioner's day on a phone: the walking route from their station and back over
   the real road network, the stops numbered in walking order, and each visit's outcome with the
   needs found (they go onto the three lists). Text only ever as textContent. */
(function () {
  "use strict";
  const gm = window.gridmap;
  const $ = (id) => document.getElementById(id);
  const words = () => gm.config.words; // need kinds and categories, visit statuses (page config)
  let map, drawn;
  const params = new URLSearchParams(location.search);
  function message(t) { $("gm-message").textContent = t || ""; }
  function form(stop) {
    const box = gm.el("div", "gm-actions");
    const outcome = gm.el("input");
    outcome.placeholder = "走访情况"; outcome.maxLength = 1000; outcome.className = "gm-outcome";
    const kind = gm.el("select");
    for (const [k, label] of [["", "无诉求"], ...Object.entries(words().needKinds)]) {
      const o = gm.el("option", null, label); o.value = k; kind.appendChild(o);
    }
    const cat = gm.el("select");
    const need = gm.el("input");
    need.placeholder = "诉求内容"; need.maxLength = 500;
    kind.addEventListener("change", () => {
      cat.replaceChildren();
      for (const c of words().needCategories[kind.value] || []) { const o = gm.el("option", null, c); o.value = c; cat.appendChild(o); }
    });
    const go = gm.el("button", null, "登记");
    go.type = "button";
    go.addEventListener("click", (e) => {
      e.stopPropagation();
      if (!outcome.value.trim()) { message("请填写走访情况"); outcome.focus(); return; }
      const needs = kind.value && need.value.trim() ? [{ kind: kind.value, category: cat.value, text: need.value.trim() }] : [];
      gm.post(`/api/v1/visits/${stop.visit_id}/outcome`, { outcome: outcome.value.trim(), needs: needs })
        .then((r) => r.json().then((out) => ({ ok: r.ok, out: out })))
        .then(({ ok, out }) => {
          if (!ok) { message(out.message || "登记失败"); return; }
          message(`已登记：${out.firm.name}` + (out.needs.length ? `，诉求 ${out.needs.length} 条已列入清单` : ""));
          load();
        });
    });
    for (const el of [outcome, kind, cat, need, go]) box.appendChild(el);
    return box;
  }
  function draw(r) {
    if (drawn) drawn.remove();
    drawn = L.featureGroup().addTo(map);
    if (r.path) L.geoJSON(r.path, { coordsToLatLng: (c) => gm.toDisplay(c[0], c[1]), style: { color: gm.color("route"), weight: 4, opacity: 0.85 } }).addTo(drawn);
    const st = gm.toDisplay(r.station.lon, r.station.lat);
    L.circleMarker(st, { radius: 9, color: gm.color("station"), weight: 3, fillOpacity: 0.8 })
      .bindTooltip(() => gm.esc(`${r.station.name}（出发/返回）`)).addTo(drawn);
    for (const s of r.stops) {
      const icon = L.divIcon({ className: "gm-stop", html: String(Number(s.seq)), iconSize: [22, 22] });
      L.marker(gm.toDisplay(s.lon, s.lat), { icon: icon })
        .bindTooltip(() => gm.esc(`${s.seq}. ${s.firm.name}`)).addTo(drawn);
    }
    if (drawn.getLayers().length) map.fitBounds(drawn.getBounds(), { padding: [20, 20] });
  }
  function list(r) {
    const ol = $("gm-stops");
    ol.replaceChildren();
    for (const s of r.stops) {
      const li = gm.el("li", s.status === "done" ? "gm-done" : null);
      li.appendChild(gm.el("b", null, `${s.seq}. ${s.firm.name}`));
      li.appendChild(gm.el("div", "gm-muted", `${s.building.name} · 步行 ${Math.round(s.leg_m)} 米 · ${words().visitStatuses[s.status] || s.status}${s.urgent ? " · 紧急" : ""}`));
      if (s.status === "planned") li.appendChild(form(s));
      li.addEventListener("click", () => map.setView(gm.toDisplay(s.lon, s.lat), 18));
      ol.appendChild(li);
    }
    $("gm-routebar").textContent = r.stops.length
      ? `${r.date} · ${r.stops.length} 家 · 步行 ${(r.route_m / 1000).toFixed(1)} 公里（按申请顺序 ${(r.filing_order_m / 1000).toFixed(1)} 公里）`
      : `${r.date} · 今日无走访`;
  }
  function load() {
    const q = new URLSearchParams();
    if ($("gm-date").value) q.set("date", $("gm-date").value);
    if (params.get("commissioner")) q.set("commissioner", params.get("commissioner"));
    return fetch("/api/v1/visits?" + q.toString()).then((r) => r.json().then((out) => ({ ok: r.ok, out: out })))
      .then(({ ok, out }) => {
        if (!ok) { message(out.message || "无法读取走访路线"); return; }
        draw(out); list(out);
        gm.route = out;
      });
  }
  gm.start = function (m) {
    map = m;
    document.body.classList.add("gm-worker");
    // today where the phone is (its own zone; toISOString would be UTC's day)
    const now = new Date();
    const local = new Date(now.getTime() - now.getTimezoneOffset() * 60000).toISOString().slice(0, 10);
    $("gm-date").value = params.get("date") || local;
    $("gm-day").addEventListener("submit", (e) => { e.preventDefault(); load(); });
    load();
  };
})();

(function () {
  "use strict";
  const gm = window.gridmap;
  let map, marker;
  function message(text) { document.getElementById("gm-message").textContent = text || ""; }
  function show(lon, lat, zoom) {
    const p = gm.toDisplay(lon, lat);
    if (marker) marker.remove();
    marker = L.circleMarker(p, { radius: 9, color: gm.color("highlight"), weight: 3, fillOpacity: 0.2 }).addTo(map);
    map.setView(p, zoom || 17);
  }
  function outline(gridCode) {
    const grids = gm.layers.grids;
    if (!grids) return;
    grids.setStyle((f) => (f.properties.code === gridCode ? { color: gm.color("highlight"), weight: 4, fillOpacity: 0.05 } : grids.options.style(f)));
  }
  function item(title, sub, onClick) {
    const li = gm.el("li");
    li.appendChild(gm.el("b", null, title));
    if (sub) li.appendChild(gm.el("div", "gm-muted", sub));
    li.addEventListener("click", onClick);
    return li;
  }
  // A case of my grid: accept, resolve (with a note) or return it, here on the phone.
  function actions(c) {
    const moves = gm.config.words.moves[c.status] || []; // from the vocabulary (page config)
    if (!moves.length) return null;
    const box = gm.el("div", "gm-actions");
    const note = gm.el("input");
    note.id = "gm-note"; note.placeholder = "处置说明（办结、退回时填写）"; note.maxLength = 500;
    box.appendChild(note);
    for (const [to, label] of moves) {
      const b = gm.el("button", null, label);
      b.type = "button"; b.dataset.to = to;
      b.addEventListener("click", (e) => {
        e.stopPropagation();
        if (to !== "accepted" && !note.value.trim()) { message("请填写处置说明"); note.focus(); return; }
        gm.post(`/api/v1/cases/${c.id}/transitions`, { to: to, note: note.value.trim() || null })
          .then((r) => r.json().then((out) => ({ ok: r.ok, out: out })))
          .then(({ ok, out }) => {
            if (!ok) { message(out.message || "操作失败"); return; }
            message(`案件 #${out.id} 已${out.status_label}`);
            gm.lastMove = out.status;
            search(String(out.id));
          }).catch(() => message("操作失败，请检查网络"));
      });
      box.appendChild(b);
    }
    return box;
  }
  function search(q) {
    const list = document.getElementById("gm-results");
    list.replaceChildren();
    message("查询中…");
    return fetch("/api/v1/search?q=" + encodeURIComponent(q)).then((r) => r.json()).then((res) => {
      message(res.message || "");
      if (res.kind === "case") {
        const c = res.results[0], a = c.assignment;
        const li = item(`#${c.id} ${c.category.name}（${c.status_label}）`, `${c.description} · ${a.grid.name}`, () => show(a.point.lon, a.point.lat));
        const act = actions(c);
        if (act) li.appendChild(act);
        list.appendChild(li);
        show(a.point.lon, a.point.lat);
        gm.layers.grids && map.hasLayer(gm.layers.grids) || map.addLayer(gm.layers.grids);
        setTimeout(() => outline(a.grid.code), 600);
      } else if (res.kind === "point") {
        const a = res.results[0];
        list.appendChild(item(a.grid.name, `${a.community.name} · ${a.zone ? a.zone.name : "无小区/楼宇"} · 网格员 ${a.worker ? a.worker.name : "–"}`, () => show(a.point.lon, a.point.lat)));
        show(a.point.lon, a.point.lat);
        setTimeout(() => outline(a.grid.code), 600);
      } else {
        for (const p of res.results) list.appendChild(item(p.name, p.kind, () => show(p.lon, p.lat)));
        if (res.results.length) show(res.results[0].lon, res.results[0].lat);
      }
    }).catch(() => message("查询失败，请检查网络"));
  }
  gm.search = search;
  gm.start = function (m, cfg) {
    if (!window.matchMedia("(max-width: 600px)").matches) gm.exportControl(m);
    map = m;
    document.body.classList.add("gm-worker");
    const b = cfg.bounds;
    map.fitBounds(L.latLngBounds(gm.toDisplay(b[0], b[1]), gm.toDisplay(b[2], b[3])), { padding: [10, 10], animate: false });
    if (cfg.grid) document.getElementById("gm-mygrid").textContent = "我的网格：" + (cfg.gridName || cfg.grid);
    document.getElementById("gm-search").addEventListener("submit", (e) => { e.preventDefault(); const q = document.getElementById("gm-q").value.trim(); if (q) search(q); });
    document.getElementById("gm-locate").addEventListener("click", () => {
      if (!navigator.geolocation) { message("此设备不支持定位"); return; }
      navigator.geolocation.getCurrentPosition(
        (pos) => search(`${pos.coords.longitude.toFixed(6)},${pos.coords.latitude.toFixed(6)}`),
        () => message("无法获取位置，请检查定位权限"), { enableHighAccuracy: true, timeout: 10000 });
    });
    map.on("gridmap:select", (e) => { if (e.props.grid_code) outline(e.props.grid_code); });
  };
})();

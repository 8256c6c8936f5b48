(function () {
  "use strict";
  // The grid worker's phone (issue #30): 我的待办 (the open cases of my grids or my units,
  // by deadline, with the queues' counts and the inbox), 上报 (a report with photos from the
  // camera, the place from the phone or the map, 是这件吗 before sending), 巡查 (a patrol's
  // track, thinned, sent in pieces) and 查找. Every write goes through the outbox
  // (outbox.js): with no signal it waits there and goes, once, when the connection returns.
  const gm = window.gridmap;
  const W = () => gm.config.words;
  let map, panel, pickMarker = null, picking = false, trackLine = null;
  const report = { point: null, categories: [] };
  const PHOTOS_MAX = 9;

  function message(text, bad) {
    const m = document.getElementById("gm-message");
    m.textContent = text || "";
    m.classList.toggle("gm-bad", !!bad);
  }
  const get = gm.getJSON;
  const $ = (id) => document.getElementById(id);

  // --- panes ------------------------------------------------------------------------------
  function show(name) {
    for (const b of document.querySelectorAll("#gm-tabs button")) b.classList.toggle("gm-on", b.dataset.pane === name);
    for (const p of document.querySelectorAll("#gm-sheet .gm-pane")) p.hidden = p.id !== "gm-pane-" + name;
    if (name !== "case") panel.close();
    if (name === "todo") todo();
    if (name === "patrol") patrols();
    if (name === "report") categories();
    if (name === "points") points();
    gm.pane = name;
  }
  // what the caller may do (the page config's "can"): a rider reports and sees their points;
  // they read no case, so no to-do list, no 是这件吗 and no patrol
  const can = (action) => !!(gm.config.can || {})[action];
  const isRider = () => gm.config.role === "rider";

  // --- 积分 (a rider's points) -------------------------------------------------------------
  function points() {
    return get("/api/v1/riders/me").then((me) => {
      const box = $("gm-points");
      box.replaceChildren();
      box.appendChild(gm.el("div", "gm-big", String(me.points.balance)));
      box.appendChild(gm.el("div", null, `可用积分 · 已得 ${me.points.earned} · 已兑换 ${me.points.redeemed}`));
      box.appendChild(gm.el("div", null, `上报 ${me.reports} 条，受理 ${me.accepted} 条`));
      if (me.post && me.post.name) box.appendChild(gm.el("div", "gm-muted", `所属驿站：${me.post.name}`));
      gm.riderPoints = me.points.balance;
      return me;
    }).catch((e) => message(e.message, true));
  }

  // --- 我的待办 ------------------------------------------------------------------------------
  // the queue shown: the last one chosen on this phone, else every open case (在办)
  const todoState = { queue: localStorage.getItem("gridmap-queue") || "open" };
  function todo() {
    const q = new URLSearchParams({ sort: "due", limit: "50", queue: todoState.queue });
    const counts = get("/api/v1/cases/queues").then((n) => {
      const nav = $("gm-queues");
      nav.replaceChildren();
      for (const [key, label] of W().workerQueues) {
        const b = gm.el("button", "gm-queue", label);
        b.type = "button"; b.dataset.queue = key;
        b.appendChild(gm.el("b", null, n[key]));
        b.classList.toggle("gm-on", todoState.queue === key);
        b.addEventListener("click", () => {
          todoState.queue = key;
          localStorage.setItem("gridmap-queue", key);
          todo();
        });
        nav.appendChild(b);
      }
    }).catch(() => {});
    // the counts and the list at once: one round trip on a weak signal, not two
    return get("/api/v1/cases?" + q.toString()).then((page) => {
      const ol = $("gm-cases");
      ol.replaceChildren();
      for (const c of page.items) {
        const bits = ["时限 " + gm.when(c.due_at)];
        if (c.warning && c.warning !== "none") bits.unshift(W().warnings[c.warning]);
        if (c.supervision) bits.push(`督办${c.supervision.level}级`);
        ol.appendChild(gm.caseItem(c, bits, openCase));
      }
      if (!page.items.length) ol.appendChild(gm.el("li", "gm-muted", "这里没有案件"));
      gm.todoReady = true;
    }).catch((e) => message(e.message, true));
  }
  function openCase(id) {
    for (const p of document.querySelectorAll("#gm-sheet .gm-pane")) p.hidden = true;
    return panel.open(id);
  }
  function inbox(showIt) {
    return get("/api/v1/inbox?unread=true&limit=30").then((box) => {
      $("gm-unread").textContent = box.unread;
      if (!showIt) return;
      const pane = $("gm-inbox");
      for (const p of document.querySelectorAll("#gm-sheet .gm-pane")) p.hidden = p !== pane;
      pane.replaceChildren(gm.el("h4", null, `未读消息 ${box.unread}`));
      const ol = gm.el("ol", "gm-cases");
      for (const n of box.items) {
        const li = gm.el("li", "gm-case-item");
        li.appendChild(gm.el("b", null, `${W().notices[n.kind] || n.kind}${n.case_id ? " #" + n.case_id : ""}${n.body && n.body.what ? "：" + n.body.what : ""}`));
        li.appendChild(gm.el("div", "gm-muted", gm.when(n.at)));
        if (n.case_id) li.addEventListener("click", () => openCase(n.case_id));
        ol.appendChild(li);
      }
      pane.appendChild(ol);
      const read = gm.el("button", null, "全部标为已读");
      read.type = "button";
      read.addEventListener("click", () => gm.writeNow({ url: "/api/v1/inbox/read", body: {} }).then(() => inbox(true)));
      pane.appendChild(read);
    }).catch(() => {});
  }

  // --- the outbox's state: the badge, what could not be applied ---------------------------
  function outboxChanged(items, conflicts) {
    $("gm-queued").textContent = items.length;
    $("gm-outbox-open").hidden = items.length === 0;
    const box = $("gm-conflicts");
    box.replaceChildren();
    box.hidden = conflicts.length === 0;
    for (const c of conflicts) {
      const row = gm.el("div", "gm-conflict");
      row.appendChild(gm.el("b", null, c.label));
      row.appendChild(gm.el("div", null, c.message));
      const ok = gm.el("button", null, "知道了");
      ok.type = "button";
      ok.addEventListener("click", () => gm.outbox.dismiss(c.n));
      row.appendChild(ok);
      if (c.caseId) {
        const see = gm.el("button", null, "查看案件");
        see.type = "button";
        see.addEventListener("click", () => openCase(c.caseId));
        row.appendChild(see);
      }
      box.appendChild(row);
    }
    if (conflicts.length > (gm.conflicts || 0)) box.scrollIntoView({ block: "start" });
    gm.queued = items.length;
    gm.conflicts = conflicts.length;
  }
  function network() {
    $("gm-net").textContent = navigator.onLine ? "" : "无信号：所做的将在恢复后发送";
    document.body.classList.toggle("gm-offline", !navigator.onLine);
  }
  // Through the outbox: the answer once sent, {queued} while there is no signal; refused: an Error.
  function write(req) {
    return gm.outbox.submit(Object.assign({ method: "POST" }, req)).then((got) => {
      if (got.queued) return got;
      if (!got.sent) throw new Error((got.out && got.out.message) || "操作未被接受");
      return got.out;
    });
  }

  // --- 上报 ---------------------------------------------------------------------------------
  // how many of this month's reports were mine (主动发现)
  function found() {
    if (!can("case.read")) return;  // a rider's count is on their points
    const now = new Date(), since = new Date(now.getFullYear(), now.getMonth(), 1).toISOString();
    const q = new URLSearchParams({ source: "worker_patrol", reporter: "me", since: since, limit: "1" });
    get("/api/v1/cases?" + q.toString()).then((page) => {
      $("gm-found").textContent = `本月我主动发现并上报 ${page.total}${page.total_capped ? "+" : ""} 件`;
    }).catch(() => {});
  }
  function categories() {
    found();
    if (report.categories.length) return Promise.resolve();
    return get("/api/v1/categories").then((groups) => {
      report.categories = groups;
      const g = $("gm-group");
      g.replaceChildren();
      groups.forEach((grp, i) => {
        const o = gm.el("option", null, `${grp.name}（${grp.kind}）`);
        o.value = i; g.appendChild(o);
      });
      smalls();
    }).catch((e) => message(e.message, true));
  }
  function smalls() {
    const grp = report.categories[Number($("gm-group").value) || 0];
    const c = $("gm-category");
    c.replaceChildren();
    for (const k of grp ? grp.categories : []) {
      const o = gm.el("option", null, k.name);
      o.value = k.code; c.appendChild(o);
    }
    same();
  }
  function place(lon, lat, accuracy) {
    report.point = [lon, lat];
    const p = gm.toDisplay(lon, lat);
    if (pickMarker) pickMarker.remove();
    pickMarker = L.circleMarker(p, { radius: 9, color: gm.color("highlight"), weight: 3, fillOpacity: 0.4, interactive: false }).addTo(map);
    map.setView(p, Math.max(map.getZoom(), 17));
    const where = `${lon.toFixed(6)}, ${lat.toFixed(6)}` + (accuracy != null ? `（精度约 ${Math.round(accuracy)} 米）` : "（地图选点）");
    $("gm-place").textContent = where;
    // the nearest place name: the zone, else the grid, from the locate answer
    get(`/api/v1/search?q=${lon.toFixed(6)},${lat.toFixed(6)}`).then((res) => {
      const a = res.results && res.results[0];
      if (!a || $("gm-address").dataset.typed) return;
      $("gm-address").value = a.zone ? a.zone.name : (a.grid ? a.grid.name : "");
    }).catch(() => {});
    same();
  }
  function same() {
    const box = $("gm-same");
    const code = $("gm-category").value;
    box.replaceChildren();
    box.hidden = true;
    if (!report.point || !code || !can("case.read")) return;
    get(`/api/v1/cases/nearby?lon=${report.point[0]}&lat=${report.point[1]}&category=${encodeURIComponent(code)}`)
      .then((found) => {
        if (!found.length) return;
        box.appendChild(gm.el("b", null, "是这件吗？附近已有同类在办案件："));
        for (const f of found) {
          const li = gm.el("div", "gm-case-item");
          li.appendChild(gm.el("div", null, `#${f.id} · ${Math.round(f.distance_m)} 米 · ${f.description}`));
          li.addEventListener("click", () => openCase(f.id));
          box.appendChild(li);
        }
        box.hidden = false;
      }).catch(() => {});
  }
  function readPhoto(file) {
    return new Promise((ok, bad) => {
      const r = new FileReader();
      r.onload = () => ok(String(r.result));
      r.onerror = () => bad(new Error("无法读取照片"));
      r.readAsDataURL(file);
    });
  }
  function sendReport(e) {
    e.preventDefault();
    const files = Array.from($("gm-photos").files || []);
    if (!report.point) { message("请先用我的位置或在地图上点选位置", true); return; }
    if (files.length > PHOTOS_MAX) { message(`照片最多 ${PHOTOS_MAX} 张`, true); return; }
    const description = $("gm-description").value.trim();
    if (!description) { message("请填写问题描述", true); return; }
    $("gm-send").disabled = true;
    Promise.all(files.map(readPhoto)).then((photos) => write({
      url: "/api/v1/cases",
      label: "上报：" + $("gm-category").selectedOptions[0].textContent,
      body: {
        lon: report.point[0], lat: report.point[1], category: $("gm-category").value,
        description: description, address: $("gm-address").value.trim() || null,
        photos: photos.length ? photos : null,
      },
    })).then((out) => {
      $("gm-pane-report").reset();
      smalls();  // the 小类 of the 大类 the reset shows
      delete $("gm-address").dataset.typed;
      report.point = null;
      $("gm-place").textContent = "尚未选择位置";
      $("gm-same").hidden = true;
      if (out.queued) message("已保存，待有信号时上报");
      else if (isRider()) { message(`已上报，案件编号 #${out.id}，受理后得积分`); points(); }
      else message(`已上报，案件编号 #${out.id}（主动发现）`);
      gm.lastReport = out.queued ? "queued" : out.id;
    }).catch((err) => message(err.message, true)).finally(() => { $("gm-send").disabled = false; });
  }
  function locate(then) {
    if (!navigator.geolocation) { message("此设备不支持定位", true); return; }
    navigator.geolocation.getCurrentPosition(
      (pos) => then(pos.coords.longitude, pos.coords.latitude, pos.coords.accuracy),
      () => message("无法获取位置，请检查定位权限", true), { enableHighAccuracy: true, timeout: 15000 });
  }

  // --- 巡查 -------------------------------------------------------------------------------
  // A patrol under way is kept in localStorage (a reload or a closed tab carries on): its key,
  // the next point's number and the last point kept. Points are thinned: one kept when the
  // phone moved 10 m or a minute passed, fixed within 100 m; sent 20 at a time or each minute.
  const KEEP_M = 10, KEEP_S = 60, WORST_M = 100, PIECE = 20;
  const P = {
    load: () => JSON.parse(localStorage.getItem("gridmap-patrol") || "null"),
    save: (p) => localStorage.setItem("gridmap-patrol", JSON.stringify(p)),
    clear: () => localStorage.removeItem("gridmap-patrol"),
  };
  let watch = null, pending = [], lastSent = 0;
  function metres(a, b) {
    const k = Math.PI / 180, x = (b[0] - a[0]) * k * Math.cos(((a[1] + b[1]) / 2) * k), y = (b[1] - a[1]) * k;
    return 6371000 * Math.hypot(x, y);
  }
  function startPatrol() {
    const p = { key: gm.outbox.newKey(), seq: 0, last: null, lastAt: 0, metres: 0, started: Date.now() };
    P.save(p);
    write({ url: "/api/v1/patrols", body: { started_at: new Date().toISOString() }, label: "开始巡查", key: p.key, startsPatrol: p.key })
      .catch((e) => message(e.message, true));
    follow();
  }
  function follow() {
    if (!navigator.geolocation) { message("此设备不支持定位", true); return; }
    $("gm-patrol").textContent = "结束巡查";
    $("gm-patrol").classList.add("gm-on");
    // no fix for a while (a stairwell) is no error: the patrol waits for the next one
    watch = navigator.geolocation.watchPosition(fix, (err) => {
      if (err.code === err.PERMISSION_DENIED) message("无法获取位置，请检查定位权限", true);
    }, { enableHighAccuracy: true, maximumAge: 5000 });
    patrolNow();
  }
  function fix(pos) {
    const p = P.load();
    if (!p) return;
    const here = [pos.coords.longitude, pos.coords.latitude], at = pos.timestamp || Date.now();
    if (pos.coords.accuracy > WORST_M) return;
    if (p.last && metres(p.last, here) < KEEP_M && at - p.lastAt < KEEP_S * 1000) return;
    if (p.last) p.metres += metres(p.last, here);
    pending.push({ seq: p.seq, lon: here[0], lat: here[1], at: new Date(at).toISOString(), accuracy: pos.coords.accuracy });
    p.seq += 1; p.last = here; p.lastAt = at;
    P.save(p);
    drawTrack(here);
    if (pending.length >= PIECE || Date.now() - lastSent > KEEP_S * 1000) sendPiece();
    patrolNow();
  }
  function sendPiece() {
    const p = P.load();
    if (!p || !pending.length) return Promise.resolve();
    const piece = pending; pending = []; lastSent = Date.now();
    return write({ url: "/api/v1/patrols/{patrol}/points", patrol: p.key, body: { points: piece }, label: `巡查轨迹 ${piece.length} 点` })
      .catch((e) => message(e.message, true));
  }
  function stopPatrol() {
    const p = P.load();
    if (watch != null) navigator.geolocation.clearWatch(watch);
    watch = null;
    $("gm-patrol").textContent = "开始巡查";
    $("gm-patrol").classList.remove("gm-on");
    if (!p) return Promise.resolve();
    return sendPiece().then(() => write({ url: "/api/v1/patrols/{patrol}/end", patrol: p.key, body: { ended_at: new Date().toISOString() }, label: "结束巡查" }))
      .then(() => { P.clear(); patrolNow(); return patrols(); })
      .catch((e) => message(e.message, true));
  }
  function drawTrack(here) {
    const p = gm.toDisplay(here[0], here[1]);
    if (!trackLine) trackLine = L.polyline([], { color: gm.color("route"), weight: 4 }).addTo(map);
    trackLine.addLatLng(p);
  }
  function patrolNow() {
    const p = P.load();
    $("gm-patrol-now").textContent = p
      ? `巡查中：已记录 ${p.seq} 个点，约 ${Math.round(p.metres)} 米，${Math.round((Date.now() - p.started) / 60000)} 分钟`
      : "";
  }
  function patrols() {
    return get("/api/v1/patrols").then((day) => {
      const ol = $("gm-patrols");
      ol.replaceChildren();
      for (const t of day.patrols) {
        const li = gm.el("li", "gm-case-item");
        const share = t.coverage && t.coverage.share != null ? `，覆盖网格道路 ${(t.coverage.share * 100).toFixed(0)}%` : "";
        li.appendChild(gm.el("b", null, `${gm.when(t.started_at).slice(11)}–${t.ended_at ? gm.when(t.ended_at).slice(11) : "进行中"}`));
        li.appendChild(gm.el("div", "gm-muted", `${Math.round(t.length_m)} 米${share}`));
        if (t.track) {
          li.addEventListener("click", () => {
            const line = L.polyline(t.track.coordinates.map(([lon, lat]) => gm.toDisplay(lon, lat)), { color: gm.color("route"), weight: 4 }).addTo(map);
            map.fitBounds(line.getBounds(), { padding: [20, 20] });
          });
        }
        ol.appendChild(li);
      }
      if (!day.patrols.length) ol.appendChild(gm.el("li", "gm-muted", "今天还没有巡查"));
    }).catch(() => {});
  }

  // --- 查找 ---------------------------------------------------------------------------------
  function item(title, sub, onClick) {
    const li = gm.el("li");
    li.appendChild(gm.el("b", null, title));
    if (sub) li.appendChild(gm.el("div", "gm-muted", sub));
    li.addEventListener("click", onClick);
    return li;
  }
  function centre(lon, lat) {
    const p = gm.toDisplay(lon, lat);
    if (pickMarker) pickMarker.remove();
    pickMarker = L.circleMarker(p, { radius: 9, color: gm.color("highlight"), weight: 3, fillOpacity: 0.2, interactive: false }).addTo(map);
    map.setView(p, 17);
  }
  function search(q) {
    const list = $("gm-results");
    list.replaceChildren();
    message("查询中…");
    return get("/api/v1/search?q=" + encodeURIComponent(q)).then((res) => {
      message(res.message || "");
      if (res.kind === "case") {
        const c = res.results[0], a = c.assignment;
        list.appendChild(item(`#${c.id} ${c.category.name}（${c.status_label}）`, `${c.description} · ${a.grid.name}`, () => openCase(c.id)));
        centre(a.point.lon, a.point.lat);
      } else if (res.kind === "point") {
        const a = res.results[0];
        list.appendChild(item(a.grid.name, `${a.community.name} · ${a.zone ? a.zone.name : "无小区/楼宇"} · 网格员 ${a.worker ? a.worker.name : "–"}`, () => centre(a.point.lon, a.point.lat)));
        centre(a.point.lon, a.point.lat);
      } else {
        for (const p of res.results) list.appendChild(item(p.name, p.kind, () => centre(p.lon, p.lat)));
        if (res.results.length) centre(res.results[0].lon, res.results[0].lat);
      }
    }).catch((e) => message(e.message, true));
  }
  gm.search = search;
  gm.openCase = openCase;

  // --- the app: installed, and working with no signal (HTTPS or this machine) ---------------
  function offline() {
    if (!window.isSecureContext || !("serviceWorker" in navigator)) {
      $("gm-insecure").hidden = false;
      return;
    }
    navigator.serviceWorker.register("/sw.js").then(() => { gm.swReady = true; }).catch(() => {
      $("gm-insecure").hidden = false;
      $("gm-insecure").textContent = "此浏览器未启用离线功能：没有信号时无法继续工作。";
    });
  }
  gm.beforeSignOut = function () {
    return gm.outbox.items().then((items) => {
      if (items.length && !window.confirm(`还有 ${items.length} 项未发送，退出登录将丢失它们。仍要退出吗？`)) return false;
      if (navigator.serviceWorker && navigator.serviceWorker.controller) navigator.serviceWorker.controller.postMessage("forget");
      return gm.outbox.forget().then(() => true);
    });
  };

  gm.start = function (m, cfg) {
    map = m;
    document.body.classList.add("gm-worker");
    map.invalidateSize({ animate: false });  // the phone's layout just gave the map its size
    const b = cfg.bounds;
    map.fitBounds(L.latLngBounds(gm.toDisplay(b[0], b[1]), gm.toDisplay(b[2], b[3])), { padding: [10, 10], animate: false });
    if (cfg.grid) $("gm-mygrid").textContent = "我的网格：" + (cfg.gridName || cfg.grid);
    panel = gm.casePanel($("gm-case"), {
      map: map,
      message: message,
      write: write,
      done: (c, step, out) => (out && out.queued ? null : Promise.all([panel.open(c.id), inbox(false)])),
    });
    for (const btn of document.querySelectorAll("#gm-tabs button")) btn.addEventListener("click", () => show(btn.dataset.pane));
    $("gm-inbox-open").addEventListener("click", () => inbox(true));
    $("gm-outbox-open").addEventListener("click", () => gm.outbox.flush());
    $("gm-group").addEventListener("change", smalls);
    $("gm-category").addEventListener("change", same);
    $("gm-address").addEventListener("input", () => { $("gm-address").dataset.typed = "1"; });
    $("gm-here").addEventListener("click", () => locate(place));
    $("gm-pick").addEventListener("click", () => { picking = true; message("请在地图上点选位置"); });
    $("gm-pane-report").addEventListener("submit", sendReport);
    $("gm-patrol").addEventListener("click", () => (P.load() ? stopPatrol() : startPatrol()));
    // a point picked for a report: on the bare map, or on a feature (which takes the click)
    const pick = (latlng) => {
      picking = false;
      message("");
      const [lon, lat] = gm.fromDisplay(latlng);
      place(lon, lat, null);
    };
    map.on("click", (e) => { if (picking) pick(e.latlng); });
    $("gm-search").addEventListener("submit", (e) => { e.preventDefault(); const q = $("gm-q").value.trim(); if (q) search(q); });
    $("gm-locate").addEventListener("click", () => locate((lon, lat) => search(`${lon.toFixed(6)},${lat.toFixed(6)}`)));
    map.on("gridmap:select", (e) => {
      if (picking) { map.closePopup(); pick(e.latlng); return; }
      if (e.spec.key === "cases" && e.props.id) openCase(e.props.id);
    });
    window.addEventListener("online", network);
    window.addEventListener("offline", network);
    network();
    gm.outbox.onChange(outboxChanged);
    offline();
    // the panes the caller has: a rider's phone opens on the report form, with its points
    const tab = (name) => document.querySelector(`#gm-tabs button[data-pane=${name}]`);
    tab("todo").hidden = !can("case.read");
    tab("patrol").hidden = !can("patrol.record");
    tab("points").hidden = !isRider();
    if (P.load() && can("patrol.record")) follow();  // a patrol under way carries on
    if (can("case.read")) todo();
    else show("report");
    if (isRider()) points();
    inbox(false);
    gm.outbox.flush();
  };
})();

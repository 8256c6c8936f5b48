(function () {
  "use strict";
  // The dispatcher's desk (派遣台): the queues of the caller's scope, a page of cases, and a
  // case's panel — its place, photos by stage, trail, and the steps the caller may take now
  // (the API's `actions`, so nothing is offered that it would refuse).
  const gm = window.gridmap;
  const W = () => gm.config.words;
  const PAGE = 20;
  // pages: the cursors of the pages shown so far (the first's is null), the last is this one's
  const state = { queue: null, text: "", pages: [null], next: null, open: null };
  const restart = () => { state.pages = [null]; };
  let map, marker;

  function message(text, bad) {
    const m = document.getElementById("gm-message");
    m.textContent = text || "";
    m.classList.toggle("gm-bad", !!bad);
  }
  function json(r) {
    return r.json().then((out) => {
      if (!r.ok) throw new Error(out.message || out.error || "操作失败");
      return out;
    });
  }
  const get = (url) => fetch(url).then(json);
  const post = (url, body) => gm.post(url, body).then(json);
  function upload(caseId, stage, file) {
    const form = new FormData();
    form.append("stage", stage);
    form.append("file", file);
    return fetch(`/api/v1/cases/${caseId}/media`, {
      method: "POST", headers: { "X-CSRF-Token": gm.csrf() }, body: form,
    }).then(json);
  }
  const when = (iso) => (iso ? iso.slice(0, 16).replace("T", " ") : "–");

  // --- queues and the list --------------------------------------------------------------
  function queues() {
    return get("/api/v1/cases/queues").then((counts) => {
      const nav = document.getElementById("gm-queues");
      nav.replaceChildren();
      const add = (key, label, n) => {
        const b = gm.el("button", "gm-queue", label);
        b.type = "button"; b.dataset.queue = key || "";
        if (n != null) b.appendChild(gm.el("b", null, n));
        b.classList.toggle("gm-on", (state.queue || "") === (key || ""));
        b.addEventListener("click", () => { state.queue = key; restart(); queues(); list(); });
        nav.appendChild(b);
      };
      add(null, "全部", null);
      for (const [key, label] of W().queues) add(key, label, counts[key]);
    }).catch((e) => message(e.message, true));
  }
  function query() {
    const q = new URLSearchParams();
    if (state.queue) q.set("queue", state.queue);
    if (state.text) q.set("text", state.text);
    return q;
  }
  function list() {
    const q = query();
    const after = state.pages[state.pages.length - 1];
    q.set("limit", PAGE);
    if (after) q.set("after", after);
    document.getElementById("gm-export").href = "/api/v1/cases/export?" + query().toString();
    return get("/api/v1/cases?" + q.toString()).then((page) => {
      state.next = page.next;
      const ol = document.getElementById("gm-cases");
      ol.replaceChildren();
      for (const c of page.items) {
        const li = gm.el("li", `gm-case-item gm-w-${c.warning || "none"}`);
        li.dataset.id = c.id;
        const head = gm.el("div", "gm-case-head");
        head.appendChild(gm.el("b", null, `#${c.id} ${c.category.name}`));
        head.appendChild(gm.el("span", "gm-status", c.status_label));
        li.appendChild(head);
        li.appendChild(gm.el("div", "gm-case-text", c.description));
        const bits = [c.unit ? c.unit.name : "未派遣", "时限 " + when(c.due_at)];
        if (c.supervision) bits.push(`督办${c.supervision.level}级`);
        if (c.rework_count) bits.push(`返工${c.rework_count}次`);
        li.appendChild(gm.el("div", "gm-muted", bits.join(" · ")));
        li.addEventListener("click", () => open(c.id));
        ol.appendChild(li);
      }
      const first = (state.pages.length - 1) * PAGE;
      document.getElementById("gm-page").textContent = page.total
        ? `${first + 1}–${first + page.items.length} / ${page.total}${page.total_capped ? "+" : ""}`
        : "没有案件";
      document.getElementById("gm-prev").disabled = state.pages.length === 1;
      document.getElementById("gm-next").disabled = page.next == null;
    }).catch((e) => message(e.message, true));
  }

  // --- the inbox --------------------------------------------------------------------------
  function inbox(show) {
    return get("/api/v1/inbox?unread=true&limit=50").then((box) => {
      document.getElementById("gm-unread").textContent = box.unread;
      if (!show) return;
      const panel = document.getElementById("gm-inbox");
      panel.replaceChildren(gm.el("h3", null, `未读消息 ${box.unread}`));
      const ol = gm.el("ol", "gm-notices");
      for (const n of box.items) {
        const li = gm.el("li", null);
        li.appendChild(gm.el("b", null, `${W().notices[n.kind] || n.kind} #${n.case_id}`));
        li.appendChild(gm.el("div", "gm-muted", when(n.at)));
        li.addEventListener("click", () => open(n.case_id));
        ol.appendChild(li);
      }
      panel.appendChild(ol);
      const read = gm.el("button", null, "全部标为已读");
      read.type = "button"; read.id = "gm-inbox-read";
      read.addEventListener("click", () => post("/api/v1/inbox/read", {}).then(() => inbox(true)));
      panel.appendChild(read);
      panel.hidden = false;
    }).catch((e) => message(e.message, true));
  }

  // --- a case ------------------------------------------------------------------------------
  function field(box, label, value) {
    const row = gm.el("div", "gm-field");
    row.appendChild(gm.el("span", "gm-muted", label));
    row.appendChild(gm.el("span", null, value == null || value === "" ? "–" : value));
    box.appendChild(row);
  }
  function open(id) {
    document.getElementById("gm-inbox").hidden = true;
    return Promise.all([get(`/api/v1/cases/${id}`), get(`/api/v1/cases/${id}/media`)])
      .then(([c, photos]) => { state.open = c; draw(c, photos); })
      .catch((e) => message(e.message, true));
  }
  function draw(c, photos) {
    const panel = document.getElementById("gm-case");
    panel.replaceChildren();
    panel.dataset.id = c.id;
    panel.dataset.status = c.status;
    const close = gm.el("button", "gm-close", "×");
    close.type = "button"; close.title = "关闭";
    close.addEventListener("click", () => { panel.hidden = true; state.open = null; });
    panel.appendChild(close);
    panel.appendChild(gm.el("h3", null, `#${c.id} ${c.category.name}`));
    const a = c.assignment;
    field(panel, "状态", c.status_label + (c.warning && c.warning !== "none" ? `（${W().warnings[c.warning]}）` : ""));
    field(panel, "描述", c.description);
    field(panel, "地址", c.address);
    field(panel, "网格", a.grid ? `${a.grid.name}（${a.community ? a.community.name : ""}）` : null);
    field(panel, "处置单位", c.unit ? c.unit.name : null);
    field(panel, "上报时间", when(c.created_at));
    field(panel, "处置时限", when(c.due_at));
    if (c.supervision) field(panel, W().steps.supervise, `${c.supervision.level} 级，限 ${when(c.supervision.due)}`);
    if (c.rework_count) field(panel, "返工", `${c.rework_count} 次`);
    if (c.extension_hours != null) field(panel, W().notices.extension, `${c.extension_hours} 小时，待批`);
    if (c.parked) field(panel, W().steps.park, `${c.parked.reason}（复核 ${c.parked.review_on}）`);
    // photos by stage
    const shots = gm.el("div", "gm-photos");
    for (const [stage, label] of W().stages) {
      const mine = photos.filter((p) => p.stage === stage);
      if (!mine.length) continue;
      const row = gm.el("div", "gm-photo-row");
      row.dataset.stage = stage;
      row.appendChild(gm.el("span", "gm-muted", label));
      for (const p of mine) {
        const link = gm.el("a"); link.href = p.url; link.target = "_blank"; link.rel = "noopener";
        const img = gm.el("img"); img.src = p.thumb_url; img.alt = label; img.loading = "lazy";
        link.appendChild(img); row.appendChild(link);
      }
      shots.appendChild(row);
    }
    panel.appendChild(shots);
    panel.appendChild(steps(c));
    // the trail
    panel.appendChild(gm.el("h4", null, "办理过程"));
    const trail = gm.el("ol", "gm-trail");
    for (const e of c.events) {
      const li = gm.el("li");
      const what = e.kind === "transition" ? (W().statuses[e.to] || e.to) : (W().events[e.kind] || e.kind);
      li.appendChild(gm.el("b", null, what));
      li.appendChild(gm.el("span", "gm-muted", ` ${when(e.at)} · ${e.actor || "系统"}`));
      if (e.note) li.appendChild(gm.el("div", null, e.note));
      trail.appendChild(li);
    }
    panel.appendChild(trail);
    panel.hidden = false;
    if (a.point) {
      const p = gm.toDisplay(a.point.lon, a.point.lat);
      if (marker) marker.remove();
      marker = L.circleMarker(p, { radius: 10, color: gm.color("highlight"), weight: 3, fillOpacity: 0.3 }).addTo(map);
      map.setView(p, Math.max(map.getZoom(), 16));
    }
  }

  // --- steps: one small form each -----------------------------------------------------
  function input(type, name, placeholder) {
    const i = gm.el(type === "textarea" ? "textarea" : "input");
    if (type !== "textarea") i.type = type;
    i.name = name;
    if (placeholder) i.placeholder = placeholder;
    if (type === "text" || type === "textarea") i.maxLength = 500;
    return i;
  }
  function photoInput() {
    const f = input("file", "photo");
    f.accept = "image/jpeg,image/png,image/webp";
    f.setAttribute("capture", "environment");
    return f;
  }
  function steps(c) {
    const box = gm.el("div", "gm-steps");
    const form = gm.el("form", "gm-step-form");
    form.hidden = true;
    for (const step of c.actions || []) {
      const b = gm.el("button", "gm-step", W().steps[step]);
      b.type = "button"; b.dataset.step = step;
      b.addEventListener("click", () => stepForm(c, step, form));
      box.appendChild(b);
    }
    if (!(c.actions || []).length) box.appendChild(gm.el("span", "gm-muted", "此案件当前没有您可办理的步骤"));
    box.appendChild(form);
    return box;
  }
  function done(c, step) {
    return (out) => {
      message(`案件 #${c.id}：${W().steps[step]}完成`);
      gm.lastStep = step;
      return Promise.all([open(c.id), queues(), list(), inbox(false)]).then(() => out);
    };
  }
  function stepForm(c, step, form) {
    form.replaceChildren();
    form.hidden = false;
    form.dataset.step = step;
    const url = `/api/v1/cases/${c.id}`;
    const note = input("text", "note", "说明");
    let photo = null, send;
    const fail = (e) => message(e.message, true);
    if (step === "dispatch") {
      const units = gm.el("select"); units.name = "unit";
      const one = gm.el("button", "gm-suggested", "派遣至建议单位…");
      one.type = "button"; one.disabled = true;
      get(`${url}/suggested-unit`).then((u) => {
        one.textContent = `派遣至 ${u.name}`; one.dataset.unit = u.code; one.disabled = false;
      }).catch(() => { one.textContent = "无建议单位"; });
      const street = c.assignment.street ? c.assignment.street.code : "";
      get("/api/v1/units?area=" + encodeURIComponent(street)).then((list) => {
        for (const u of list) {
          const o = gm.el("option", null, `${u.name}（${W().unitKinds[u.kind] || u.kind}）`);
          o.value = u.code; units.appendChild(o);
        }
      }).catch(fail);
      one.addEventListener("click", () =>
        post(`${url}/dispatch`, { unit: one.dataset.unit, note: note.value.trim() || null }).then(done(c, step)).catch(fail));
      form.append(one, units, note);
      send = () => post(`${url}/dispatch`, { unit: units.value, note: note.value.trim() || null });
    } else if (step === "register") {
      form.append(note);
      send = () => post(`${url}/register`, { note: note.value.trim() || null });
    } else if (step === "refuse") {
      note.placeholder = "不予立案的理由（上报人可见）"; note.required = true;
      form.append(note);
      send = () => post(`${url}/refuse`, { reason: note.value.trim() });
    } else if (step === "accept") {
      send = () => post(`${url}/transitions`, { to: "accepted", note: note.value.trim() || null });
      form.append(note);
    } else if (step === "resolve" || step === "return") {
      note.placeholder = step === "resolve" ? "处置说明" : "退回理由"; note.required = true;
      form.append(note);
      if (step === "resolve") { photo = photoInput(); photo.dataset.stage = "handling"; form.append(photo); }
      const to = step === "resolve" ? "resolved" : "returned";
      send = () => post(`${url}/transitions`, { to: to, note: note.value.trim() });
    } else if (step === "verify") {
      const passed = gm.el("select"); passed.name = "passed";
      for (const [v, t] of [["true", "核查通过，结案"], ["false", "未通过，返工"]]) {
        const o = gm.el("option", null, t); o.value = v; passed.appendChild(o);
      }
      photo = photoInput(); photo.dataset.stage = "verify";
      form.append(passed, note, photo);
      send = () => post(`${url}/verify`, { passed: passed.value === "true", note: note.value.trim() || null });
    } else if (step === "extension") {
      const hours = input("number", "hours", "小时"); hours.min = 1; hours.max = 720; hours.value = 24;
      note.placeholder = "延期理由"; note.required = true;
      form.append(hours, note);
      send = () => post(`${url}/extension`, { hours: Number(hours.value), reason: note.value.trim() });
    } else if (step === "decide_extension") {
      const ok = gm.el("select"); ok.name = "approved";
      for (const [v, t] of [["true", "同意延期"], ["false", "不同意"]]) {
        const o = gm.el("option", null, t); o.value = v; ok.appendChild(o);
      }
      form.append(ok, note);
      send = () => post(`${url}/extension/decision`, { approved: ok.value === "true", note: note.value.trim() || null });
    } else if (step === "supervise") {
      const level = gm.el("select"); level.name = "level";
      for (const v of [1, 2, 3]) { const o = gm.el("option", null, `${v} 级督办`); o.value = v; level.appendChild(o); }
      const due = input("datetime-local", "due");
      form.append(level, due, note);
      send = () => post(`${url}/supervise`, { level: Number(level.value), due: due.value + ":00+08:00", note: note.value.trim() || null });
    } else if (step === "park") {
      note.placeholder = W().steps.park + "原因"; note.required = true;
      const review = input("date", "review_on");
      form.append(note, review);
      send = () => post(`${url}/park`, { reason: note.value.trim(), review_on: review.value });
    }
    const go = gm.el("button", "gm-step-go", "确定");
    go.type = "submit";
    form.append(go);
    form.onsubmit = (e) => {
      e.preventDefault();
      if (note.required && !note.value.trim()) { message("请填写" + note.placeholder, true); note.focus(); return; }
      // the photo first: a step whose photo is refused is not taken
      const first = photo && photo.files.length ? upload(c.id, photo.dataset.stage, photo.files[0]) : Promise.resolve();
      first.then(send).then(done(c, step)).catch(fail);
    };
  }

  gm.openCase = open;
  gm.start = function (m, cfg) {
    map = m;
    document.body.classList.add("gm-desk-page");
    const b = cfg.bounds;
    map.fitBounds(L.latLngBounds(gm.toDisplay(b[0], b[1]), gm.toDisplay(b[2], b[3])), { padding: [10, 10], animate: false });
    document.getElementById("gm-filter").addEventListener("submit", (e) => {
      e.preventDefault(); state.text = document.getElementById("gm-text").value.trim(); restart(); list();
    });
    document.getElementById("gm-prev").addEventListener("click", () => { if (state.pages.length > 1) { state.pages.pop(); list(); } });
    document.getElementById("gm-next").addEventListener("click", () => { if (state.next) { state.pages.push(state.next); list(); } });
    document.getElementById("gm-inbox-open").addEventListener("click", () => {
      const panel = document.getElementById("gm-inbox");
      if (panel.hidden) inbox(true); else panel.hidden = true;
    });
    map.on("gridmap:select", (e) => { if (e.spec.key === "cases" && e.props.id) open(e.props.id); });
    const asked = new URLSearchParams(location.search);
    if (cfg.words.queues.some(([key]) => key === asked.get("queue"))) state.queue = asked.get("queue");
    gm.deskReady = Promise.all([queues(), list(), inbox(false)]);
    const id = asked.get("case");
    if (id && /^\d+$/.test(id)) open(Number(id));
  };
})();

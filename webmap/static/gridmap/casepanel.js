(function () {
  "use strict";
  // A case's panel, the same on the desk and on the worker's phone: its place, photos by
  // stage, trail, and the steps the caller may take now (the API's `actions`, so nothing is
  // offered that it would refuse). How a step's requests go is the page's (opts.write): at
  // once on the desk, through the outbox on the phone, which may have no signal. Each step
  // carries the version it was made against (If-Match): if someone else's step came since,
  // the server refuses it (412) and the caller sees why.
  const gm = window.gridmap;
  const W = () => gm.config.words;
  const when = (iso) => (iso ? iso.slice(0, 16).replace("T", " ") : "–");
  gm.when = when;

  function json(r) {
    return r.json().then((out) => {
      if (!r.ok) throw new Error(out.message || out.error || "操作失败");
      return out;
    });
  }
  gm.getJSON = (url) => fetch(url).then(json);
  // A write at once (the desk): JSON, or a photo as multipart; the case's version as If-Match.
  gm.writeNow = function (req) {
    const headers = { "X-CSRF-Token": gm.csrf() };
    let body;
    if (req.form) {
      body = new FormData();
      for (const [k, v] of Object.entries(req.form)) body.append(k, v);
    } else {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(req.body || {});
    }
    if (req.version) headers["If-Match"] = req.version;
    return fetch(req.url, { method: "POST", headers: headers, body: body }).then(json);
  };

  // A case in a list (the desk's, the phone's to-do): its number, category, status, text, and
  // the line of facts the page chooses; a tap opens it.
  gm.caseItem = function (c, facts, onOpen) {
    const li = gm.el("li", `gm-case-item gm-w-${c.warning || "none"}`);
    li.dataset.id = c.id;
    const head = gm.el("div", "gm-case-head");
    head.appendChild(gm.el("b", null, `#${c.id} ${c.category.name}`));
    head.appendChild(gm.el("span", "gm-status", c.status_label));
    li.appendChild(head);
    li.appendChild(gm.el("div", "gm-case-text", c.description));
    li.appendChild(gm.el("div", "gm-muted", facts.join(" · ")));
    li.addEventListener("click", () => onOpen(c.id));
    return li;
  };

  // panel: the element; opts: map, message(text, bad), write(req) -> Promise of the answer
  // (or {queued: true}), done(c, step, out) after a step.
  gm.casePanel = function (panel, opts) {
    const get = gm.getJSON;
    let marker = null, shown = null;
    function field(box, label, value) {
      const row = gm.el("div", "gm-field");
      row.appendChild(gm.el("span", "gm-muted", label));
      row.appendChild(gm.el("span", null, value == null || value === "" ? "–" : value));
      box.appendChild(row);
    }
    function open(id) {
      return Promise.all([get(`/api/v1/cases/${id}`), get(`/api/v1/cases/${id}/media`)])
        .then(([c, photos]) => { shown = c; draw(c, photos); return c; })
        .catch((e) => opts.message(e.message, true));
    }
    function close() { panel.hidden = true; shown = null; if (marker) { marker.remove(); marker = null; } }
    function draw(c, photos) {
      panel.replaceChildren();
      panel.dataset.id = c.id;
      panel.dataset.status = c.status;
      const x = gm.el("button", "gm-close", "×");
      x.type = "button"; x.title = "关闭";
      x.addEventListener("click", close);
      panel.appendChild(x);
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
      if (a.point && opts.map) {
        const p = gm.toDisplay(a.point.lon, a.point.lat);
        if (marker) marker.remove();
        marker = L.circleMarker(p, { radius: 10, color: gm.color("highlight"), weight: 3, fillOpacity: 0.3, interactive: false }).addTo(opts.map);
        opts.map.setView(p, Math.max(opts.map.getZoom(), 16));
      }
    }

    // --- steps: one small form each ---------------------------------------------------
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
    function stepForm(c, step, form) {
      form.replaceChildren();
      form.hidden = false;
      form.dataset.step = step;
      const url = `/api/v1/cases/${c.id}`;
      const label = `#${c.id} ${W().steps[step]}`;
      const write = (path, body) => opts.write({ url: url + path, body: body, label: label, caseId: c.id, version: c.version });
      const note = input("text", "note", "说明");
      let photo = null, send;
      const fail = (e) => opts.message(e.message, true);
      const finish = (out) => {
        if (out && out.queued) opts.message(`${label}：已保存，待有信号时发送`);
        else opts.message(`案件 #${c.id}：${W().steps[step]}完成`);
        gm.lastStep = step;
        return opts.done(c, step, out);
      };
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
          write("/dispatch", { unit: one.dataset.unit, note: note.value.trim() || null }).then(finish).catch(fail));
        form.append(one, units, note);
        send = () => write("/dispatch", { unit: units.value, note: note.value.trim() || null });
      } else if (step === "register") {
        form.append(note);
        send = () => write("/register", { note: note.value.trim() || null });
      } else if (step === "refuse") {
        note.placeholder = "不予立案的理由（上报人可见）"; note.required = true;
        form.append(note);
        send = () => write("/refuse", { reason: note.value.trim() });
      } else if (step === "accept") {
        send = () => write("/transitions", { to: "accepted", note: note.value.trim() || null });
        form.append(note);
      } else if (step === "resolve" || step === "return") {
        note.placeholder = step === "resolve" ? "处置说明" : "退回理由"; note.required = true;
        form.append(note);
        if (step === "resolve") { photo = photoInput(); photo.dataset.stage = "handling"; form.append(photo); }
        const to = step === "resolve" ? "resolved" : "returned";
        send = () => write("/transitions", { to: to, note: note.value.trim() });
      } else if (step === "verify") {
        const passed = gm.el("select"); passed.name = "passed";
        for (const [v, t] of [["true", "核查通过，结案"], ["false", "未通过，返工"]]) {
          const o = gm.el("option", null, t); o.value = v; passed.appendChild(o);
        }
        photo = photoInput(); photo.dataset.stage = "verify";
        form.append(passed, note, photo);
        send = () => write("/verify", { passed: passed.value === "true", note: note.value.trim() || null });
      } else if (step === "extension") {
        const hours = input("number", "hours", "小时"); hours.min = 1; hours.max = 720; hours.value = 24;
        note.placeholder = "延期理由"; note.required = true;
        form.append(hours, note);
        send = () => write("/extension", { hours: Number(hours.value), reason: note.value.trim() });
      } else if (step === "decide_extension") {
        const ok = gm.el("select"); ok.name = "approved";
        for (const [v, t] of [["true", "同意延期"], ["false", "不同意"]]) {
          const o = gm.el("option", null, t); o.value = v; ok.appendChild(o);
        }
        form.append(ok, note);
        send = () => write("/extension/decision", { approved: ok.value === "true", note: note.value.trim() || null });
      } else if (step === "supervise") {
        const level = gm.el("select"); level.name = "level";
        for (const v of [1, 2, 3]) { const o = gm.el("option", null, `${v} 级督办`); o.value = v; level.appendChild(o); }
        const due = input("datetime-local", "due");
        form.append(level, due, note);
        send = () => write("/supervise", { level: Number(level.value), due: due.value + ":00+08:00", note: note.value.trim() || null });
      } else if (step === "park") {
        note.placeholder = W().steps.park + "原因"; note.required = true;
        const review = input("date", "review_on");
        form.append(note, review);
        send = () => write("/park", { reason: note.value.trim(), review_on: review.value });
      }
      const go = gm.el("button", "gm-step-go", "确定");
      go.type = "submit";
      form.append(go);
      form.onsubmit = (e) => {
        e.preventDefault();
        if (note.required && !note.value.trim()) { opts.message("请填写" + note.placeholder, true); note.focus(); return; }
        // the photo first: a step whose photo is refused is not taken (kept in order offline)
        const file = photo && photo.files.length ? photo.files[0] : null;
        const first = file
          ? opts.write({ url: `${url}/media`, form: { stage: photo.dataset.stage, file: file }, label: `#${c.id} 照片`, caseId: c.id })
          : Promise.resolve();
        first.then(send).then(finish).catch(fail);
      };
    }
    return { open: open, draw: draw, close: close, shown: () => shown };
  };
})();

(function () {
  "use strict";
  // The dispatcher's desk (派遣台): the queues of the caller's scope, a page of cases, and a
  // case's panel — its place, photos by stage, trail, and the steps the caller may take now
  // (the API's `actions`, so nothing is offered that it would refuse).
  const gm = window.gridmap;
  const W = () => gm.config.words;
  const PAGE = 20;
  // pages: the cursors of the pages shown so far (the first's is null), the last is this one's
  const state = { queue: null, text: "", pages: [null], next: null };
  const restart = () => { state.pages = [null]; };
  let map;

  function message(text, bad) {
    const m = document.getElementById("gm-message");
    m.textContent = text || "";
    m.classList.toggle("gm-bad", !!bad);
  }
  const get = gm.getJSON;
  const post = (url, body) => gm.writeNow({ url: url, body: body });
  const when = gm.when;
  let panel;
  const open = (id) => { document.getElementById("gm-inbox").hidden = true; return panel.open(id); };

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
        const bits = [c.unit ? c.unit.name : "未派遣", "时限 " + when(c.due_at)];
        if (c.supervision) bits.push(`督办${c.supervision.level}级`);
        if (c.rework_count) bits.push(`返工${c.rework_count}次`);
        ol.appendChild(gm.caseItem(c, bits, open));
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
        li.appendChild(gm.el("b", null, `${W().notices[n.kind] || n.kind}${n.case_id ? " #" + n.case_id : ""}${n.body && n.body.what ? "：" + n.body.what : ""}`));
        li.appendChild(gm.el("div", "gm-muted", when(n.at)));
        if (n.case_id) li.addEventListener("click", () => open(n.case_id));
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

  gm.openCase = open;
  gm.start = function (m, cfg) {
    map = m;
    panel = gm.casePanel(document.getElementById("gm-case"), {
      map: map,
      message: message,
      write: gm.writeNow,
      done: (c) => Promise.all([open(c.id), queues(), list(), inbox(false)]),
    });
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

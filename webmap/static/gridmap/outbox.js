/* The worker's outbox (issue #30): every write of the worker's page — a report with its photos,
   a move, a verification, a patrol and its points — is kept in IndexedDB first and sent from
   here in the order it was made, now if there is a signal, else when the connection returns.
   Each keeps the Idempotency-Key it got when made (a request sent twice is taken once); a move
   carries the case's version (If-Match), so one that someone else's work overtook meanwhile
   is refused by the server (412) and shown to the worker, never applied blindly. */
(function () {
  "use strict";
  const gm = window.gridmap;
  const NAME = "gridmap-outbox", BOX = "outbox", IDS = "ids", CONFLICTS = "conflicts";
  let opened = null, flushing = null;
  const results = {};        // n -> what its sending gave (for the one who made it)
  const watched = new Set(); // made on this page and waited for: a refusal is told at once
  const listeners = [];

  function db() {
    if (!opened) {
      opened = new Promise((ok, bad) => {
        const r = indexedDB.open(NAME, 1);
        r.onupgradeneeded = () => {
          r.result.createObjectStore(BOX, { keyPath: "n", autoIncrement: true });
          r.result.createObjectStore(IDS);
          r.result.createObjectStore(CONFLICTS, { keyPath: "n", autoIncrement: true });
        };
        r.onsuccess = () => ok(r.result);
        r.onerror = () => bad(r.error);
      });
    }
    return opened;
  }
  function run(store, mode, work) {
    return db().then((d) => new Promise((ok, bad) => {
      const t = d.transaction(store, mode);
      const req = work(t.objectStore(store));
      t.oncomplete = () => ok(req ? req.result : undefined);
      t.onerror = () => bad(t.error);
    }));
  }
  const all = (store) => run(store, "readonly", (s) => s.getAll());
  const changed = () => Promise.all([all(BOX), all(CONFLICTS)])
    .then(([items, conflicts]) => listeners.forEach((f) => f(items, conflicts)));

  // the patrols started, by the key the phone gave them: its points name the patrol by it
  function patrolIds() {
    return db().then((d) => new Promise((ok, bad) => {
      const out = {};
      const t = d.transaction(IDS, "readonly");
      const c = t.objectStore(IDS).openCursor();
      c.onsuccess = () => { const x = c.result; if (x) { out[x.key] = x.value; x.continue(); } };
      t.oncomplete = () => ok(out);
      t.onerror = () => bad(t.error);
    }));
  }

  // a fresh key per request made (crypto.randomUUID needs a secure context: a fallback)
  function newKey() {
    if (self.crypto && crypto.randomUUID) return crypto.randomUUID();
    return "k" + Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  function body(item) {
    if (!item.form) return JSON.stringify(item.body || {});
    const form = new FormData();
    for (const [k, v] of Object.entries(item.form)) {
      if (v instanceof Blob) form.append(k, v, v.name || "photo.jpg"); else form.append(k, v);
    }
    return form;
  }
  function send(item, ids) {
    let url = item.url;
    if (item.patrol) {
      const id = ids[item.patrol];
      if (id == null) return Promise.resolve({ status: 409, message: "巡查未能开始，轨迹未发送" });
      url = url.replace("{patrol}", id);
    }
    const headers = { "X-CSRF-Token": gm.csrf(), "Idempotency-Key": item.key };
    if (!item.form) headers["Content-Type"] = "application/json";
    if (item.version) headers["If-Match"] = item.version;
    return fetch(url, { method: item.method || "POST", headers: headers, body: body(item) })
      .then((r) => r.json().catch(() => ({})).then((out) => ({ status: r.status, out: out })));
  }

  // Send what waits, oldest first; stop at the first that cannot go (no signal, signed out,
  // the server down) and leave it and the rest for later.
  function flush() {
    if (flushing) return flushing;
    flushing = (async () => {
      const ids = await patrolIds();
      for (const item of await all(BOX)) {
        let got;
        try { got = await send(item, ids); } catch (e) { break; }  // no signal
        if (got.status === 401 || got.status === 429 || got.status >= 500) break;
        if (got.status < 300) {
          if (item.startsPatrol && got.out.id != null) {
            ids[item.startsPatrol] = got.out.id;
            await run(IDS, "readwrite", (s) => s.put(got.out.id, item.startsPatrol));
          }
        } else if (!watched.has(item.n)) {
          const message = got.status === 412
            ? "该案件在您离线期间已被他人处理，您的操作未执行，请重新查看"
            : (got.out.message || got.message || "未被接受");
          await run(CONFLICTS, "readwrite", (s) => s.add({ label: item.label, message: message, status: got.status, caseId: item.caseId || null, at: new Date().toISOString() }));
        }
        results[item.n] = got;
        await run(BOX, "readwrite", (s) => s.delete(item.n));
      }
    })().finally(() => { flushing = null; changed(); });
    return flushing;
  }

  // Keep a write and send what waits; the answer: {sent, status, out} once it went, or
  // {queued: true} while it waits for a signal.
  function submit(item) {
    item.key = item.key || newKey();
    item.made = new Date().toISOString();
    return run(BOX, "readwrite", (s) => s.add(item)).then((n) => {
      watched.add(n);
      changed();
      // a flush already under way may have read the box before this write: then one more
      return flush().then(() => (results[n] ? null : flush())).then(() => {
        const got = results[n];
        watched.delete(n);
        if (!got) return { queued: true };
        delete results[n];
        return { sent: got.status < 300, status: got.status, out: got.out };
      });
    });
  }

  gm.outbox = {
    submit: submit,
    flush: flush,
    newKey: newKey,
    items: () => all(BOX),
    conflicts: () => all(CONFLICTS),
    dismiss: (n) => run(CONFLICTS, "readwrite", (s) => s.delete(n)).then(changed),
    onChange: (f) => { listeners.push(f); changed(); },
    forget: () => db().then((d) => { d.close(); opened = null; return new Promise((ok) => { const r = indexedDB.deleteDatabase(NAME); r.onsuccess = r.onerror = r.onblocked = () => ok(); }); }),
  };
  window.addEventListener("online", () => flush());
  setInterval(() => { if (navigator.onLine) flush(); }, 30000);
})();

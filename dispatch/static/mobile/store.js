/* The technician app's memory on the phone (IndexedDB) and the queue of actions taken offline.

   Every action (a move, a completion, a photo, a signature) is written to the queue first, with the
   Idempotency-Key made at the moment it was taken, and then sent in order. What the server answers decides:
   - 2xx (first answer or a replay with Idempotent-Replay): done, removed from the queue;
   - 409 job_reassigned / job_cancelled, or 404: the job was taken away; the job's actions stay, marked "taken";
   - any other 4xx: kept, marked "blocked" with the server's message, until the technician fixes or discards it;
   - no network, 5xx, 408, 429: kept as it is for the next try.
   Nothing is removed from the queue except by a 2xx or by the technician's explicit "Discard". */
(() => {
  "use strict";

  const DB_NAME = "field-app";
  const DB_VERSION = 1;
  const TAKEN_CODES = new Set(["job_reassigned", "job_cancelled"]);
  let dbPromise = null;

  function requestAsPromise(request) {
    return new Promise((resolve, reject) => {
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
  }

  function openDb() {
    if (!dbPromise) {
      dbPromise = new Promise((resolve, reject) => {
        const request = indexedDB.open(DB_NAME, DB_VERSION);
        request.onupgradeneeded = () => {
          const db = request.result;
          if (!db.objectStoreNames.contains("kv")) db.createObjectStore("kv");
          if (!db.objectStoreNames.contains("queue")) db.createObjectStore("queue", { keyPath: "seq", autoIncrement: true });
        };
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    }
    return dbPromise;
  }

  /* Run fn(store) in one transaction; resolve with fn's request result once the transaction has committed. */
  async function withStore(name, mode, fn) {
    const db = await openDb();
    return new Promise((resolve, reject) => {
      const transaction = db.transaction(name, mode);
      const request = fn(transaction.objectStore(name));
      let result;
      if (request) request.onsuccess = () => { result = request.result; };
      transaction.oncomplete = () => resolve(result);
      transaction.onerror = () => reject(transaction.error);
      transaction.onabort = () => reject(transaction.error || new Error("transaction aborted"));
    });
  }

  const kv = {
    get: (key) => withStore("kv", "readonly", (store) => store.get(key)),
    set: (key, value) => withStore("kv", "readwrite", (store) => store.put(value, key)),
    del: (key) => withStore("kv", "readwrite", (store) => store.delete(key)),
    keys: () => withStore("kv", "readonly", (store) => store.getAllKeys()),
  };

  const queue = {
    add: (action) => withStore("queue", "readwrite", (store) => store.add(action)),
    put: (action) => withStore("queue", "readwrite", (store) => store.put(action)),
    del: (seq) => withStore("queue", "readwrite", (store) => store.delete(seq)),
    get: (seq) => withStore("queue", "readonly", (store) => store.get(seq)),
    all: async () => {
      const items = await withStore("queue", "readonly", (store) => store.getAll());
      return (items || []).sort((a, b) => a.seq - b.seq);
    },
  };

  function newKey() {
    if (self.crypto && typeof self.crypto.randomUUID === "function") return self.crypto.randomUUID();
    // Older browsers: 128 random bits in UUID form.
    const bytes = self.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  /* A new action, stored before anything is sent. type: move | complete | photo | signature. */
  async function enqueue({ user, jobId, type, body, blob = null }) {
    const action = { user, jobId, type, body, blob, key: newKey(), createdAt: new Date().toISOString(),
      state: "pending", error: null, attempts: 0 };
    action.seq = await queue.add(action);
    return action;
  }

  class NetworkError extends Error {}

  /* fetch with a time limit; a failure to reach the server is a NetworkError (keep the action, retry later). */
  async function request(url, { method = "GET", token = null, json = undefined, form = undefined, key = null,
    timeoutMs = 20000 } = {}) {
    const headers = { Accept: "application/json" };
    if (token) headers.Authorization = `Token ${token}`;
    if (key) headers["Idempotency-Key"] = key;
    let body;
    if (json !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(json);
    } else if (form !== undefined) {
      body = form;
    }
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    let response;
    try {
      response = await fetch(url, { method, headers, body, signal: controller.signal, cache: "no-store" });
    } catch (error) {
      throw new NetworkError(String(error));
    } finally {
      clearTimeout(timer);
    }
    let data = null;
    const text = await response.text().catch(() => "");
    if (text) {
      try { data = JSON.parse(text); } catch (error) { data = { detail: text.slice(0, 200) }; }
    }
    return { status: response.status, ok: response.ok, data, replay: response.headers.get("Idempotent-Replay") === "true" };
  }

  function actionPath(action) {
    const suffix = { move: "move/", complete: "complete/", photo: "photos/", signature: "signature/" }[action.type];
    return `jobs/${action.jobId}/${suffix}`;
  }

  function send(action, { apiBase, token }) {
    const url = apiBase + actionPath(action);
    if (action.type === "photo" || action.type === "signature") {
      const form = new FormData();
      const name = action.type === "signature" ? "signature.png" : (action.body.filename || "photo.jpg");
      form.append("file", action.blob, name);
      for (const [field, value] of Object.entries(action.body)) {
        if (field !== "filename" && value !== null && value !== undefined && value !== "") form.append(field, value);
      }
      return request(url, { method: "POST", token, form, key: action.key, timeoutMs: 90000 });
    }
    return request(url, { method: "POST", token, json: action.body, key: action.key });
  }

  function errorOf(result) {
    const data = result.data || {};
    return { status: result.status, code: data.code || "error", detail: data.detail || "", fields: data.fields || null,
      at: new Date().toISOString() };
  }

  let running = null;

  /* Send the user's waiting actions in order. One run at a time; a second call waits for the running one.
     ctx: { apiBase, token, user, onJob(job), onTaken(jobId, error), onChange() }.
     Resolves { stopped: null | "network" | "auth", sent: n }. */
  function replay(ctx) {
    if (!running) {
      running = replayOnce(ctx).finally(() => { running = null; });
    }
    return running;
  }

  async function replayOnce(ctx) {
    const held = new Set(); // jobs with an earlier action that is blocked or taken: later ones wait behind it
    let sent = 0;
    for (const action of await queue.all()) {
      if (action.user !== ctx.user) continue;
      if (action.state !== "pending") {
        held.add(action.jobId);
        continue;
      }
      if (held.has(action.jobId)) continue;
      // Read it again: the technician may have discarded or changed it while an earlier one was being sent.
      const current = await queue.get(action.seq);
      if (!current || current.state !== "pending") continue;
      let result;
      try {
        current.attempts += 1;
        result = await send(current, ctx);
      } catch (error) {
        if (error instanceof NetworkError) return { stopped: "network", sent };
        throw error;
      }
      const code = result.data && result.data.code;
      if (result.ok) {
        await queue.del(current.seq);
        sent += 1;
        if ((current.type === "move" || current.type === "complete") && result.data && result.data.id) {
          await ctx.onJob(result.data);
        }
      } else if (result.status === 401) {
        return { stopped: "auth", sent };
      } else if (result.status >= 500 || result.status === 408 || result.status === 429) {
        await queue.put(current);
        return { stopped: "network", sent };
      } else if (result.status === 404 || (result.status === 409 && TAKEN_CODES.has(code))) {
        const error = errorOf(result);
        for (const other of await queue.all()) {
          if (other.jobId === current.jobId && other.user === ctx.user && other.state !== "taken") {
            other.state = "taken";
            other.error = error;
            await queue.put(other);
          }
        }
        held.add(current.jobId);
        await ctx.onTaken(current.jobId, error);
      } else {
        current.state = "blocked";
        current.error = errorOf(result);
        await queue.put(current);
        held.add(current.jobId);
      }
      if (ctx.onChange) await ctx.onChange();
    }
    return { stopped: null, sent };
  }

  /* Put a blocked action back in line with a new key (the old key's refusal would only be replayed). */
  async function retry(seq, changes = {}) {
    const action = await queue.get(seq);
    if (!action) return null;
    Object.assign(action, changes, { state: "pending", error: null, key: newKey() });
    await queue.put(action);
    return action;
  }

  async function discard(seq) {
    await queue.del(seq);
  }

  async function counts(user) {
    const result = { pending: 0, blocked: 0, taken: 0, total: 0 };
    for (const action of await queue.all()) {
      if (user && action.user !== user) continue;
      result[action.state] += 1;
      result.total += 1;
    }
    return result;
  }

  self.FieldStore = { kv, queue, enqueue, replay, retry, discard, counts, request, NetworkError, newKey };
})();

/* The technician app: sign in, my day, a job with its next step, completion form, photos and signature.
   Works offline: the day and the jobs are kept in IndexedDB and every action goes through the queue in
   store.js, so an action taken without a network is sent, in order, once the network is back. */
(() => {
  "use strict";

  const S = self.FieldStore;
  const config = JSON.parse(document.getElementById("m-config").textContent);
  const labels = JSON.parse(document.getElementById("m-labels").textContent);
  const STRINGS = {};
  for (const el of document.querySelectorAll("#m-strings [data-key]")) STRINGS[el.dataset.key] = el.textContent.trim();

  const TOKEN_KEY = "field.token";
  const USER_KEY = "field.user";
  const RETRY_MS = 30000;
  const LOCATE_TIMEOUT_MS = 3000;
  const WORKED = new Set(["en_route", "on_site", "completed", "unable"]);
  const FINISHED = new Set(["completed", "unable", "closed", "cancelled"]);

  const state = {
    token: localStorage.getItem(TOKEN_KEY),
    user: localStorage.getItem(USER_KEY),
    reachable: true, // false after a request could not reach the server
    authExpired: false,
    syncing: false,
    dirty: false, // an action was queued while a replay was running
    message: null,
    lastRenderKey: null,
  };
  const els = {
    view: document.getElementById("view"),
    login: document.getElementById("login"),
    loginForm: document.getElementById("login-form"),
    loginError: document.getElementById("login-error"),
    sync: document.getElementById("sync"),
    title: document.getElementById("title"),
    back: document.getElementById("back"),
    menu: document.getElementById("menu"),
    menuBtn: document.getElementById("menu-btn"),
    who: document.getElementById("who"),
    signOut: document.getElementById("sign-out"),
  };

  /* ---------- small helpers ---------- */

  function t(key, params = {}) {
    let text = STRINGS[key] || key;
    for (const [name, value] of Object.entries(params)) text = text.replace(`{${name}}`, String(value));
    return text;
  }

  /* h("p", {class: "x", onclick: fn}, "text", child): DOM without innerHTML, so server text is never markup. */
  function h(tag, props = {}, ...children) {
    const el = document.createElement(tag);
    for (const [name, value] of Object.entries(props || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name.startsWith("on") && typeof value === "function") el.addEventListener(name.slice(2), value);
      else if (name === "class") el.className = value;
      else if (name === "dataset") Object.assign(el.dataset, value);
      else el.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children.flat(Infinity)) {
      if (child === null || child === undefined || child === false) continue;
      el.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return el;
  }

  const online = () => navigator.onLine && state.reachable;
  const userKey = (name) => `${state.user}:${name}`;
  const statusLabel = (code) => labels.status[code] || code;
  const priorityLabel = (code) => labels.priority[code] || code;
  const reasonLabel = (code) => (labels.unable_reasons.find(([value]) => value === code) || [code, code])[1];

  function formatTime(iso) {
    if (!iso) return "";
    return new Date(iso).toLocaleTimeString(config.language, { hour: "2-digit", minute: "2-digit",
      hourCycle: "h23", timeZone: config.time_zone });
  }
  function formatDateTime(iso) {
    if (!iso) return "";
    return new Date(iso).toLocaleString(config.language, { month: "numeric", day: "numeric", hour: "2-digit",
      minute: "2-digit", hourCycle: "h23", timeZone: config.time_zone });
  }
  function windowText(job) {
    if (job.window_start && job.window_end) return `${formatTime(job.window_start)}–${formatTime(job.window_end)}`;
    if (job.planned_start) return `~${formatTime(job.planned_start)}`;
    return "";
  }

  /* The phone's position when it can be had quickly; the action goes ahead without it otherwise. */
  function locate() {
    return new Promise((resolve) => {
      if (!("geolocation" in navigator)) { resolve(null); return; }
      let done = false;
      const finish = (value) => { if (!done) { done = true; clearTimeout(timer); resolve(value); } };
      const timer = setTimeout(() => finish(null), LOCATE_TIMEOUT_MS + 500);
      try {
        navigator.geolocation.getCurrentPosition(
          (position) => finish({ lat: Number(position.coords.latitude.toFixed(6)),
            lng: Number(position.coords.longitude.toFixed(6)) }),
          () => finish(null),
          { enableHighAccuracy: true, timeout: LOCATE_TIMEOUT_MS, maximumAge: 60000 });
      } catch (error) {
        finish(null);
      }
    });
  }

  async function api(path, options = {}) {
    try {
      const result = await S.request(config.api + path, { token: state.token, ...options });
      state.reachable = true;
      return result;
    } catch (error) {
      if (error instanceof S.NetworkError) state.reachable = false;
      throw error;
    }
  }

  /* ---------- what is kept on the phone ---------- */

  async function cachedDay() { return (await S.kv.get(userKey("day"))) || null; }
  async function cachedJob(id) { return (await S.kv.get(userKey(`job:${id}`))) || null; }
  async function storeJob(job) { await S.kv.set(userKey(`job:${job.id}`), job); }
  async function draftOf(id) {
    return (await S.kv.get(userKey(`draft:${id}`))) || { checklist: {}, data: {}, notes: "", signer_name: "",
      unable_reason: "", unable_text: "" };
  }
  async function saveDraft(id, draft) { await S.kv.set(userKey(`draft:${id}`), draft); }
  async function takenOf(id) { return (await S.kv.get(userKey(`taken:${id}`))) || null; }

  async function myActions() {
    return (await S.queue.all()).filter((action) => action.user === state.user);
  }

  /* The job as the technician should see it now: the server's copy with the waiting actions applied. */
  function effective(job, actions) {
    const shown = { ...job };
    for (const action of actions) {
      if (action.jobId !== job.id || action.state !== "pending") continue;
      if (action.type === "move") shown.status = action.body.to;
      if (action.type === "complete") shown.status = "completed";
    }
    return shown;
  }

  /* ---------- talking to the server ---------- */

  async function refreshFromServer() {
    if (!state.token || !navigator.onLine) return;
    let day;
    try {
      day = await api("day/");
    } catch (error) {
      return;
    }
    if (day.status === 401) { expireSession(); return; }
    if (!day.ok) { state.message = (day.data && day.data.detail) || `HTTP ${day.status}`; return; }
    state.message = null;
    day.data.fetchedAt = new Date().toISOString();
    await S.kv.set(userKey("day"), day.data);
    await Promise.all(day.data.jobs.map(async (job) => {
      try {
        const detail = await api(`jobs/${job.id}/`);
        if (detail.ok) {
          await storeJob(detail.data);
          await S.kv.del(userKey(`taken:${job.id}`));
        }
      } catch (error) { /* offline again: the older copy stays */ }
    }));
  }

  /* Send what is waiting, then fetch the day again. Never throws; safe to call at any time. */
  async function sync() {
    if (!state.token || state.authExpired) { await render(); return; }
    if (state.syncing) { state.dirty = true; return; }
    state.syncing = true;
    try {
      // Actions queued while this runs set `dirty`: go round again so none waits for the next timer.
      for (;;) {
        state.dirty = false;
        await updateSyncBar();
        if (!navigator.onLine) break;
        const result = await S.replay({
          apiBase: config.api, token: state.token, user: state.user,
          onJob: (job) => storeJob(job),
          onTaken: (jobId, error) => S.kv.set(userKey(`taken:${jobId}`), error),
          onChange: () => render(),
        });
        state.reachable = result.stopped !== "network";
        if (result.stopped === "auth") { expireSession(); break; }
        if (result.stopped) break;
        await refreshFromServer();
        if (!state.dirty || state.authExpired) break;
      }
    } catch (error) {
      console.error(error);
    } finally {
      state.syncing = false;
    }
    await render();
  }

  function expireSession() {
    state.authExpired = true;
    state.message = t("session_expired");
  }

  async function queueAction(jobId, type, body, blob = null) {
    await S.enqueue({ user: state.user, jobId, type, body, blob });
    state.lastRenderKey = null;
    await render();
    sync();
  }

  /* ---------- the sync bar ---------- */

  async function updateSyncBar() {
    if (!state.token) { els.sync.hidden = true; return; }
    const counts = await S.counts(state.user);
    const need = counts.blocked + counts.taken;
    let text;
    let mode;
    if (state.authExpired) {
      mode = "auth"; text = t("session_expired");
    } else if (!online()) {
      mode = "offline"; text = counts.pending ? t("offline_waiting", { n: counts.pending }) : t("offline");
    } else if (counts.pending) {
      mode = "sending"; text = t("sending", { n: counts.pending });
    } else if (need) {
      mode = "attention"; text = t("attention", { n: need });
    } else {
      mode = "ok"; text = t("all_sent");
    }
    if (need && mode !== "attention" && mode !== "auth") text += ` · ${t("attention", { n: need })}`;
    els.sync.hidden = false;
    els.sync.textContent = text;
    els.sync.dataset.state = mode;
    els.sync.dataset.pending = String(counts.pending);
    els.sync.dataset.attention = String(need);
  }

  /* ---------- views ---------- */

  async function render() {
    await updateSyncBar();
    const signedIn = Boolean(state.token) && !state.authExpired;
    els.login.hidden = signedIn;
    els.view.hidden = !signedIn;
    els.menuBtn.hidden = !state.token;
    els.who.textContent = state.user || "";
    if (!signedIn) {
      els.title.textContent = t("app_title");
      els.back.hidden = true;
      if (state.authExpired) {
        els.loginError.textContent = t("session_expired");
        els.loginError.hidden = false;
        els.loginForm.username.value = state.user || "";
      }
      return;
    }
    const match = /^#job\/(\d+)$/.exec(location.hash);
    if (match) await renderJob(Number(match[1]));
    else await renderDay();
  }

  function replaceView(key, build) {
    if (key !== null && key === state.lastRenderKey) return;
    const active = document.activeElement;
    const keepFocus = active && els.view.contains(active) && active.name ? active.name : null;
    const scroll = window.scrollY;
    const content = build();
    els.view.replaceChildren(...[content].flat(Infinity).filter((node) => node instanceof Node));
    state.lastRenderKey = key;
    window.scrollTo(0, scroll);
    if (keepFocus) {
      const again = els.view.querySelector(`[name="${CSS.escape(keepFocus)}"]`);
      if (again && again.type !== "radio") again.focus();
    }
  }

  async function renderDay() {
    els.title.textContent = t("my_day");
    els.back.hidden = true;
    const day = await cachedDay();
    const actions = await myActions();
    const jobs = day ? [...day.jobs] : [];
    // Jobs taken away while offline stay in the list while the phone still holds what was entered for them.
    for (const jobId of new Set(actions.map((action) => action.jobId))) {
      if (!jobs.some((job) => job.id === jobId)) {
        const job = await cachedJob(jobId);
        if (job) jobs.push(job);
      }
    }
    const taken = {};
    for (const job of jobs) taken[job.id] = await takenOf(job.id);
    const shown = jobs.map((job) => effective(job, actions));
    const key = JSON.stringify(["day", day && day.fetchedAt, shown.map((job) => [job.id, job.status]), taken,
      actions.map((action) => [action.seq, action.state]), state.message]);
    replaceView(key, () => [
      h("div", { class: "day-head" },
        h("span", { class: "day-date" }, day ? day.date : ""),
        day && day.fetchedAt ? h("span", { class: "muted" }, t("updated", { time: formatTime(day.fetchedAt) })) : null),
      state.message ? h("p", { class: "notice error", role: "alert" }, state.message) : null,
      shown.length ? h("ol", { class: "jobs" }, shown.map((job) => jobCard(job, taken[job.id], actions)))
        : h("p", { class: "empty" }, t("no_jobs")),
      h("div", { class: "actionbar" },
        h("button", { type: "button", class: "btn primary wide", id: "refresh", onclick: () => sync() }, t("refresh"))),
    ]);
  }

  function jobCard(job, taken, actions) {
    const waiting = actions.filter((action) => action.jobId === job.id).length;
    const customer = job.customer || {};
    return h("li", { class: `job prio-${job.priority}${taken ? " taken" : ""}`, dataset: { jobId: job.id } },
      h("a", { class: "job-open", href: `#job/${job.id}` },
        h("span", { class: "job-top" },
          job.sequence ? h("span", { class: "seq" }, job.sequence) : null,
          h("span", { class: "window" }, windowText(job)),
          h("span", { class: `badge prio prio-${job.priority}` }, priorityLabel(job.priority)),
          h("span", { class: `badge status st-${job.status}` }, statusLabel(job.status))),
        h("span", { class: "job-kind" }, job.kind_label, " · ", job.number),
        h("span", { class: "job-address" }, job.address),
        customer.name ? h("span", { class: "job-customer" }, customer.name) : null,
        job.access_notes ? h("span", { class: "job-access" }, job.access_notes) : null,
        taken ? h("span", { class: "taken-note" }, t("taken_title")) : null,
        waiting && !taken ? h("span", { class: "waiting-note" }, t("job_waiting", { n: waiting })) : null),
      h("span", { class: "job-links" },
        job.navigation_uri ? h("a", { class: "btn", href: job.navigation_uri }, t("navigate")) : null,
        customer.phone ? h("a", { class: "btn", href: `tel:${customer.phone}` }, t("call")) : null));
  }

  async function renderJob(id) {
    els.back.hidden = false;
    const stored = await cachedJob(id);
    if (!stored) {
      els.title.textContent = "";
      replaceView(`missing:${id}`, () => h("p", { class: "notice" }, t("not_on_phone")));
      return;
    }
    const actions = (await myActions()).filter((action) => action.jobId === id);
    const job = effective(stored, actions);
    const taken = await takenOf(id);
    const draft = await draftOf(id);
    els.title.textContent = job.number;
    const key = JSON.stringify(["job", id, job.status, job.version, (job.attachments || []).length, taken,
      actions.map((action) => [action.seq, action.state, action.error && action.error.detail]), state.message]);
    const before = state.lastRenderKey;
    replaceView(key, () => jobView(job, taken, actions, draft));
    const refused = actions.find((action) => action.type === "complete" && action.state === "blocked");
    if (refused && state.lastRenderKey !== before) showFieldErrors(formErrors(refused.error), refused.error.detail, false);
  }

  function section(title, ...children) {
    return h("section", { class: "card" }, h("h2", {}, title), ...children);
  }

  function jobView(job, taken, actions, draft) {
    const customer = job.customer || {};
    const parts = [];
    if (taken) {
      parts.push(h("div", { class: "taken-banner", role: "alert" },
        h("strong", {}, t("taken_title")), h("p", {}, taken.detail)));
    }
    parts.push(h("section", { class: `card job-head prio-${job.priority}` },
      h("p", { class: "job-top" },
        h("span", { class: `badge prio prio-${job.priority}` }, priorityLabel(job.priority)),
        h("span", { class: `badge status st-${job.status}`, id: "job-status" }, statusLabel(job.status)),
        h("span", { class: "window" }, windowText(job))),
      h("p", { class: "job-kind" }, job.kind_label),
      h("p", { class: "job-address" }, job.address),
      job.navigation_uri ? h("a", { class: "btn", href: job.navigation_uri }, t("navigate")) : null,
      customer.name ? h("p", { class: "job-customer" }, `${t("customer")}: ${customer.name}`,
        customer.account_no ? h("span", { class: "muted" }, ` (${customer.account_no})`) : null) : null,
      customer.vulnerable ? h("p", { class: "vulnerable" }, t("vulnerable")) : null,
      customer.phone ? h("a", { class: "btn", href: `tel:${customer.phone}` }, `${t("call")} ${customer.phone}`) : null,
      job.contact_phone && job.contact_phone !== customer.phone
        ? h("a", { class: "btn", href: `tel:${job.contact_phone}` }, `${t("call")} ${job.contact_name || ""} ${job.contact_phone}`)
        : null,
      job.access_notes ? h("div", { class: "access" }, h("h3", {}, t("access_notes")), h("p", {}, job.access_notes)) : null,
      job.description ? h("div", {}, h("h3", {}, t("description")), h("p", {}, job.description)) : null,
      job.gas_type ? h("p", { class: "muted" }, `${t("gas_type")}: ${labels.gas_type[job.gas_type] || job.gas_type}`) : null));

    const kept = actions.filter((action) => action.state !== "pending" || taken);
    if (kept.length || taken) {
      parts.push(section(taken ? t("kept_data") : t("attention", { n: kept.length }),
        h("ul", { class: "kept" }, kept.map((action) => keptItem(action, job)))));
    }
    if (!taken) {
      if (WORKED.has(job.status)) parts.push(photoSection(job, actions), signatureSection(job, actions, draft));
      if (job.status === "on_site") parts.push(completionSection(job, draft), unableSection(job, draft));
    } else if (!actions.some((action) => action.type === "complete")) {
      parts.push(draftSummary(job, draft)); // typed in but not yet submitted: still shown, never dropped
    }
    parts.push(historySection(job));
    parts.push(stepBar(job, taken));
    return parts;
  }

  function historySection(job) {
    const history = job.history || [];
    return section(t("history"), history.length
      ? h("ul", { class: "history" }, history.map((item) => h("li", {},
        h("strong", {}, item.number), " ", statusLabel(item.status), " ", formatDateTime(item.completed_at),
        item.unable_reason ? ` · ${reasonLabel(item.unable_reason)}` : "",
        item.resolution_notes ? h("p", { class: "muted" }, item.resolution_notes) : null)))
      : h("p", { class: "muted" }, t("no_history")));
  }

  /* The one big button for the next step, at the bottom where the thumb is. */
  function stepBar(job, taken) {
    if (taken) return null;
    let content;
    if (job.status === "dispatched") {
      content = h("button", { type: "button", class: "btn primary wide", id: "step", onclick: () => move(job, "en_route") },
        t("start_travel"));
    } else if (job.status === "en_route") {
      content = h("button", { type: "button", class: "btn primary wide", id: "step", onclick: () => move(job, "on_site") },
        t("arrive"));
    } else if (job.status === "on_site") {
      content = [
        h("button", { type: "button", class: "btn secondary", id: "unable-open",
          onclick: () => document.getElementById("unable").scrollIntoView({ block: "center" }) }, t("unable")),
        h("button", { type: "button", class: "btn primary grow", id: "complete", onclick: () => complete(job) },
          t("complete")),
      ];
    } else if (job.status === "assigned" || job.status === "new") {
      content = h("p", { class: "muted" }, t("waiting_dispatch"));
    } else {
      content = h("p", { class: "done" }, t("job_done"));
    }
    return h("div", { class: "actionbar" }, content);
  }

  async function move(job, to, extra = {}) {
    const where = await locate();
    await queueAction(job.id, "move", { to, reason: "", unable_reason: "", ...extra, ...(where || {}) });
  }

  /* ---------- completion form, drawn from the job's form description ---------- */

  function yesNo(name, value, onchange) {
    return h("span", { class: "yesno" },
      ["yes", "no"].map((choice) => h("label", { class: "seg" },
        h("input", { type: "radio", name, value: choice, checked: value === choice, onchange }),
        h("span", {}, t(choice)))));
  }

  function choiceSelect(name, choices, value, oninput) {
    return h("select", { name, oninput },
      h("option", { value: "" }, t("choose")),
      choices.map((choice) => {
        const [code, label] = Array.isArray(choice) ? choice : [choice, choice];
        return h("option", { value: code, selected: String(value) === String(code) }, label);
      }));
  }

  function completionSection(job, draft) {
    const form = job.form || { checklist: [], fields: [] };
    const save = async () => { await saveDraft(job.id, readDraft(job, draft)); };
    const checklist = form.checklist.map((item) => {
      const name = `cl:${item.key}`;
      const value = draft.checklist[item.key] ?? "";
      let input;
      if (item.answer === "yes_no") input = yesNo(name, value, save);
      else if (item.answer === "number") input = h("input", { name, type: "number", inputmode: "decimal", step: "any", value, oninput: save });
      else if (item.answer === "choice") input = choiceSelect(name, item.choices, value, save);
      else input = h("textarea", { name, rows: 2, maxlength: 1000, oninput: save }, value);
      return h("div", { class: "field", dataset: { name } },
        h("span", { class: "label" }, item.label, item.required ? h("span", { class: "req" }, " *") : null), input,
        h("p", { class: "field-error", dataset: { for: name } }));
    });
    const fields = form.fields.map((field) => {
      const name = `f:${field.name}`;
      const value = draft.data[field.name] ?? "";
      let input;
      if (field.type === "boolean") input = yesNo(name, value, save);
      else if (field.type === "choice") input = choiceSelect(name, field.choices || [], value, save);
      else if (field.type === "integer" || field.type === "decimal") {
        input = h("input", { name, type: "number", inputmode: field.type === "integer" ? "numeric" : "decimal",
          step: field.type === "integer" ? "1" : "any", min: field.min_value ?? null, max: field.max_value ?? null,
          value, oninput: save });
      } else if (field.type === "date") input = h("input", { name, type: "date", value, oninput: save });
      else if (field.type === "datetime") input = h("input", { name, type: "datetime-local", value, oninput: save });
      else if ((field.max_length || 0) > 200) input = h("textarea", { name, rows: 3, maxlength: field.max_length, oninput: save }, value);
      else input = h("input", { name, type: "text", maxlength: field.max_length ?? null, value, oninput: save });
      return h("div", { class: "field", dataset: { name } },
        h("span", { class: "label" }, field.label, field.required ? h("span", { class: "req" }, " *") : null), input,
        h("p", { class: "field-error", dataset: { for: name } }));
    });
    return h("form", { class: "card completion", id: "completion", novalidate: true, onsubmit: (e) => { e.preventDefault(); complete(job); } },
      h("h2", {}, t("checklist")), checklist,
      fields.length ? h("h2", {}, t("completion")) : null, fields,
      h("div", { class: "field" }, h("span", { class: "label" }, t("notes")),
        h("textarea", { name: "notes", rows: 3, maxlength: 4000, oninput: save }, draft.notes || "")),
      h("p", { class: "form-error error", role: "alert", hidden: true }));
  }

  function radioValue(scope, name) {
    const checked = scope.querySelector(`input[name="${CSS.escape(name)}"]:checked`);
    return checked ? checked.value : "";
  }

  function readDraft(job, previous) {
    const draft = { ...previous, checklist: { ...previous.checklist }, data: { ...previous.data } };
    const form = document.getElementById("completion");
    if (form) {
      for (const item of job.form.checklist) {
        const name = `cl:${item.key}`;
        draft.checklist[item.key] = item.answer === "yes_no" ? radioValue(form, name) : (form.elements[name]?.value ?? "");
      }
      for (const field of job.form.fields) {
        const name = `f:${field.name}`;
        draft.data[field.name] = field.type === "boolean" ? radioValue(form, name) : (form.elements[name]?.value ?? "");
      }
      draft.notes = form.elements.notes.value;
    }
    const signer = document.querySelector("#signature input[name=signer_name]");
    if (signer) draft.signer_name = signer.value;
    const unable = document.getElementById("unable");
    if (unable) {
      draft.unable_reason = unable.querySelector("select[name=unable_reason]").value;
      draft.unable_text = unable.querySelector("textarea[name=unable_text]").value;
    }
    return draft;
  }

  /* The draft turned into what the API takes, with the mistakes the phone can see without the server. */
  function completionPayload(job, draft) {
    const errors = {};
    const checklist = {};
    const data = {};
    for (const item of job.form.checklist) {
      const raw = draft.checklist[item.key] ?? "";
      if (raw === "") { if (item.required) errors[`cl:${item.key}`] = t("answer_item"); continue; }
      if (item.answer === "yes_no") checklist[item.key] = raw === "yes";
      else if (item.answer === "number") {
        const number = Number(raw);
        if (Number.isNaN(number)) errors[`cl:${item.key}`] = t("answer_item");
        else checklist[item.key] = number;
      } else checklist[item.key] = raw;
    }
    for (const field of job.form.fields) {
      const raw = draft.data[field.name] ?? "";
      const name = `f:${field.name}`;
      if (raw === "" || raw === null) { if (field.required) errors[name] = t("required"); continue; }
      if (field.type === "boolean") data[field.name] = raw === "yes";
      else if (field.type === "integer" || field.type === "decimal") {
        const number = Number(raw);
        if (Number.isNaN(number) || (field.type === "integer" && !Number.isInteger(number))) errors[name] = t("answer_item");
        else if (field.min_value !== undefined && number < field.min_value) errors[name] = t("at_least", { min: field.min_value });
        else if (field.max_value !== undefined && number > field.max_value) errors[name] = t("at_most", { max: field.max_value });
        else data[field.name] = field.type === "integer" ? number : String(raw);
      } else if (field.type === "datetime") data[field.name] = new Date(raw).toISOString();
      else data[field.name] = raw;
    }
    return { body: { checklist_answers: checklist, data, notes: draft.notes || "" }, errors };
  }

  function showFieldErrors(errors, message, scroll = true) {
    for (const el of els.view.querySelectorAll(".field-error")) el.textContent = errors[el.dataset.for] || "";
    const formError = els.view.querySelector(".form-error");
    if (formError) {
      formError.hidden = !message;
      formError.textContent = message || "";
    }
    const first = Object.keys(errors)[0];
    if (first && scroll) els.view.querySelector(`.field[data-name="${CSS.escape(first)}"]`)?.scrollIntoView({ block: "center" });
  }

  async function complete(job) {
    const draft = readDraft(job, await draftOf(job.id));
    await saveDraft(job.id, draft);
    const { body, errors } = completionPayload(job, draft);
    if (Object.keys(errors).length) { showFieldErrors(errors, t("fix_form")); return; }
    const where = await locate();
    Object.assign(body, where || {});
    // A completion the server refused is corrected in place: the same place in the line, a new key.
    const refused = (await myActions()).find((action) => action.jobId === job.id && action.type === "complete"
      && action.state === "blocked");
    if (refused) {
      await S.retry(refused.seq, { body });
      state.lastRenderKey = null;
      await render();
      sync();
    } else {
      await queueAction(job.id, "complete", body);
    }
  }

  function unableSection(job, draft) {
    const save = async () => { await saveDraft(job.id, readDraft(job, draft)); };
    return h("section", { class: "card", id: "unable" },
      h("h2", {}, t("unable")),
      h("label", { class: "field" }, h("span", { class: "label" }, t("unable_reason")),
        choiceSelect("unable_reason", labels.unable_reasons, draft.unable_reason || "", save)),
      h("label", { class: "field" }, h("span", { class: "label" }, t("reason_text")),
        h("textarea", { name: "unable_text", rows: 2, maxlength: 500, oninput: save }, draft.unable_text || "")),
      h("p", { class: "field-error", dataset: { for: "unable_reason" } }),
      h("button", { type: "button", class: "btn danger wide", id: "unable-send", onclick: async () => {
        const current = readDraft(job, draft);
        await saveDraft(job.id, current);
        if (!current.unable_reason) { showFieldErrors({ unable_reason: t("required") }); return; }
        const reason = current.unable_text.trim() || reasonLabel(current.unable_reason);
        await move(job, "unable", { unable_reason: current.unable_reason, reason });
      } }, t("unable_send")));
  }

  /* ---------- photos and the signature ---------- */

  const objectUrls = new Map();
  function blobUrl(action) {
    if (!objectUrls.has(action.key)) objectUrls.set(action.key, URL.createObjectURL(action.blob));
    return objectUrls.get(action.key);
  }

  function attachmentCount(job, kind) {
    return (job.attachments || []).filter((item) => item.kind === kind).length;
  }

  function photoSection(job, actions) {
    const local = actions.filter((action) => action.type === "photo" && action.state === "pending");
    return section(t("photos"),
      h("p", { class: "muted", id: "photo-count" }, t("uploaded", { n: attachmentCount(job, "photo") })),
      local.length ? h("div", { class: "thumbs" }, local.map((action) => h("img", { src: blobUrl(action), alt: "" }))) : null,
      h("label", { class: "btn wide file-btn" }, t("take_photo"),
        h("input", { type: "file", accept: "image/*", capture: "environment", id: "photo-input", multiple: true,
          onchange: async (event) => {
            const files = [...event.target.files];
            event.target.value = "";
            const where = await locate();
            for (const file of files) {
              await S.enqueue({ user: state.user, jobId: job.id, type: "photo", blob: file,
                body: { caption: "", filename: file.name || "photo.jpg", ...(where || {}) } });
            }
            state.lastRenderKey = null;
            await render();
            sync();
          } })));
  }

  const pads = new Map(); // one drawing surface per job, kept across re-renders so a half-drawn signature survives

  function signaturePad(jobId) {
    if (pads.has(jobId)) return pads.get(jobId);
    const canvas = h("canvas", { class: "sigpad", id: "sigpad", width: 600, height: 240,
      "aria-label": t("sign_here") });
    const pad = { canvas, inked: false };
    const ctx = canvas.getContext("2d");
    const blank = () => {
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      pad.inked = false;
    };
    blank();
    let last = null;
    const point = (event) => {
      const box = canvas.getBoundingClientRect();
      return [(event.clientX - box.left) * (canvas.width / box.width), (event.clientY - box.top) * (canvas.height / box.height)];
    };
    canvas.addEventListener("pointerdown", (event) => {
      event.preventDefault();
      canvas.setPointerCapture(event.pointerId);
      last = point(event);
      ctx.fillStyle = "#000000";
      ctx.beginPath();
      ctx.arc(last[0], last[1], 2, 0, Math.PI * 2);
      ctx.fill();
      pad.inked = true;
    });
    canvas.addEventListener("pointermove", (event) => {
      if (!last) return;
      event.preventDefault();
      const next = point(event);
      ctx.strokeStyle = "#000000";
      ctx.lineWidth = 4;
      ctx.lineCap = "round";
      ctx.lineJoin = "round";
      ctx.beginPath();
      ctx.moveTo(last[0], last[1]);
      ctx.lineTo(next[0], next[1]);
      ctx.stroke();
      last = next;
      pad.inked = true;
    });
    const stop = () => { last = null; };
    canvas.addEventListener("pointerup", stop);
    canvas.addEventListener("pointercancel", stop);
    pad.clear = blank;
    pads.set(jobId, pad);
    return pad;
  }

  function signatureSection(job, actions, draft) {
    const pad = signaturePad(job.id);
    const local = actions.filter((action) => action.type === "signature" && action.state === "pending");
    const error = h("p", { class: "field-error", id: "signature-error" });
    const name = h("input", { name: "signer_name", type: "text", maxlength: 120, value: draft.signer_name || "",
      autocomplete: "off", oninput: async () => { await saveDraft(job.id, readDraft(job, draft)); } });
    return h("section", { class: "card", id: "signature" },
      h("h2", {}, t("signature")),
      h("p", { class: "muted", id: "signature-count" }, t("uploaded", { n: attachmentCount(job, "signature") })),
      local.length ? h("div", { class: "thumbs" }, local.map((action) => h("img", { src: blobUrl(action), alt: action.body.signer_name }))) : null,
      h("p", { class: "muted" }, t("sign_here")),
      pad.canvas,
      h("label", { class: "field" }, h("span", { class: "label" }, t("signer_name")), name),
      error,
      h("div", { class: "row" },
        h("button", { type: "button", class: "btn", onclick: () => { pad.clear(); error.textContent = ""; } }, t("clear")),
        h("button", { type: "button", class: "btn primary grow", id: "signature-save", onclick: async () => {
          if (!pad.inked) { error.textContent = t("signature_empty"); return; }
          if (!name.value.trim()) { error.textContent = `${t("signer_name")}: ${t("required")}`; return; }
          const blob = await new Promise((resolve) => pad.canvas.toBlob(resolve, "image/png"));
          const where = await locate();
          await S.enqueue({ user: state.user, jobId: job.id, type: "signature", blob,
            body: { signer_name: name.value.trim(), ...(where || {}) } });
          pad.clear();
          state.lastRenderKey = null;
          await render();
          sync();
        } }, t("save_signature"))));
  }

  /* ---------- what the phone holds for a job: refused or taken-away actions, shown, never dropped ---------- */

  const capitalised = (text) => text.charAt(0).toUpperCase() + text.slice(1);

  function actionTitle(action) {
    return capitalised({ move: t("action_move"), complete: t("action_complete"), photo: t("action_photo"),
      signature: t("action_signature") }[action.type]);
  }

  function answerText(value) {
    if (value === true) return t("yes");
    if (value === false) return t("no");
    return String(value);
  }

  function actionDetails(action, job) {
    const body = action.body || {};
    if (action.type === "move") {
      return h("p", {}, "→ ", statusLabel(body.to), body.unable_reason ? ` · ${reasonLabel(body.unable_reason)}` : "",
        body.reason ? ` · ${body.reason}` : "");
    }
    if (action.type === "complete") {
      const form = job.form || { checklist: [], fields: [] };
      const labelOf = (key, list, attr) => (list.find((entry) => entry[attr] === key) || {}).label || key;
      return h("dl", { class: "answers" },
        Object.entries(body.checklist_answers || {}).map(([key, value]) => [
          h("dt", {}, labelOf(key, form.checklist, "key")), h("dd", {}, answerText(value))]),
        Object.entries(body.data || {}).map(([key, value]) => [
          h("dt", {}, labelOf(key, form.fields, "name")), h("dd", {}, answerText(value))]),
        body.notes ? [h("dt", {}, t("notes")), h("dd", {}, body.notes)] : null);
    }
    return h("div", { class: "thumbs" }, h("img", { src: blobUrl(action), alt: "" }),
      body.signer_name ? h("span", {}, body.signer_name) : null);
  }

  /* "checklist_answers.leak_test_done" or "data.fault_found" from the server, as the form labels them. */
  function fieldLabel(job, key) {
    const form = job.form || { checklist: [], fields: [] };
    const [scope, name] = key.split(".", 2);
    if (scope === "checklist_answers") return (form.checklist.find((item) => item.key === name) || {}).label || name;
    if (scope === "data") return (form.fields.find((field) => field.name === name) || {}).label || name;
    return { notes: t("notes"), signer_name: t("signer_name"), unable_reason: t("unable_reason"),
      reason: t("reason_text") }[key] || key;
  }

  /* Where the form has a slot for a field the server refused, the message goes there too. */
  function formErrors(error) {
    const inline = {};
    for (const [key, messages] of Object.entries((error && error.fields) || {})) {
      const [scope, name] = key.split(".", 2);
      const slot = scope === "checklist_answers" ? `cl:${name}` : scope === "data" ? `f:${name}` : key;
      inline[slot] = [messages].flat(Infinity).join(" ");
    }
    return inline;
  }

  function keptItem(action, job) {
    const error = action.error;
    const fieldErrors = error && error.fields ? Object.entries(error.fields).map(([field, messages]) =>
      h("li", {}, `${fieldLabel(job, field)}: ${[messages].flat(Infinity).join(" ")}`)) : [];
    return h("li", { class: `kept-item state-${action.state}`, dataset: { seq: action.seq } },
      h("p", { class: "kept-title" }, h("strong", {}, actionTitle(action)), " ",
        h("span", { class: "muted" }, formatDateTime(action.createdAt))),
      actionDetails(action, job),
      error && action.state === "blocked" ? h("div", { class: "refused", role: "alert" },
        h("p", {}, t("refused"), " ", error.detail), fieldErrors.length ? h("ul", {}, fieldErrors) : null) : null,
      h("div", { class: "row" },
        action.state === "blocked" ? h("button", { type: "button", class: "btn", onclick: async () => {
          const changes = {};
          // A location the server would not take (outside the territory) is dropped rather than blocking the job.
          if (error && error.fields && ("lat" in error.fields || "lng" in error.fields)) {
            const { lat, lng, ...rest } = action.body;
            changes.body = rest;
          }
          await S.retry(action.seq, changes);
          state.lastRenderKey = null;
          sync();
        } }, t("retry")) : null,
        h("button", { type: "button", class: "btn danger", onclick: async () => {
          if (!window.confirm(t("discard_confirm"))) return;
          await S.discard(action.seq);
          state.lastRenderKey = null;
          await render();
        } }, t("discard"))));
  }

  function draftSummary(job, draft) {
    const { body } = completionPayload(job, draft);
    const empty = !Object.keys(body.checklist_answers).length && !Object.keys(body.data).length && !body.notes;
    if (empty) return null;
    return section(t("completion"), actionDetails({ type: "complete", body }, job));
  }

  /* ---------- sign in and out ---------- */

  els.loginForm.addEventListener("submit", async (event) => {
    event.preventDefault();
    const username = els.loginForm.username.value.trim();
    const password = els.loginForm.password.value;
    els.loginError.hidden = true;
    if (!navigator.onLine) {
      els.loginError.textContent = t("login_offline");
      els.loginError.hidden = false;
      return;
    }
    const button = els.loginForm.querySelector("button[type=submit]");
    button.disabled = true;
    const label = button.textContent;
    button.textContent = t("signing_in");
    try {
      const result = await S.request(`${config.api}auth/login/`, { method: "POST", json: { username, password } });
      if (!result.ok) {
        els.loginError.textContent = (result.data && result.data.detail) || `HTTP ${result.status}`;
        els.loginError.hidden = false;
        return;
      }
      state.token = result.data.token;
      state.user = result.data.username;
      localStorage.setItem(TOKEN_KEY, state.token);
      localStorage.setItem(USER_KEY, state.user);
      state.authExpired = false;
      state.message = null;
      state.reachable = true;
      els.loginForm.reset();
      location.hash = "";
      state.lastRenderKey = null;
      await render();
      await sync();
    } catch (error) {
      els.loginError.textContent = t("login_offline");
      els.loginError.hidden = false;
    } finally {
      button.disabled = false;
      button.textContent = label;
    }
  });

  els.signOut.addEventListener("click", async () => {
    const counts = await S.counts(state.user);
    if (counts.total && !window.confirm(t("sign_out_pending", { n: counts.total }))) return;
    if (navigator.onLine && state.token) {
      S.request(`${config.api}auth/logout/`, { method: "POST", token: state.token, timeoutMs: 5000 }).catch(() => {});
    }
    // What the technician entered stays (the queue, drafts and the jobs it refers to); the rest of the day goes.
    const keep = new Set((await myActions()).map((action) => action.jobId));
    for (const key of await S.kv.keys()) {
      const [owner, name] = [String(key).split(":")[0], String(key).split(":").slice(1).join(":")];
      if (owner !== state.user) continue;
      const jobId = Number(name.split(":")[1]);
      if (name.startsWith("draft:") || (keep.has(jobId) && (name.startsWith("job:") || name.startsWith("taken:")))) continue;
      await S.kv.del(key);
    }
    localStorage.removeItem(TOKEN_KEY);
    localStorage.removeItem(USER_KEY);
    Object.assign(state, { token: null, user: null, authExpired: false, message: null, lastRenderKey: null });
    els.menu.hidden = true;
    els.menuBtn.setAttribute("aria-expanded", "false");
    location.hash = "";
    await render();
  });

  /* ---------- wiring ---------- */

  els.menuBtn.addEventListener("click", () => {
    els.menu.hidden = !els.menu.hidden;
    els.menuBtn.setAttribute("aria-expanded", String(!els.menu.hidden));
  });
  els.back.addEventListener("click", () => { location.hash = ""; });
  window.addEventListener("hashchange", () => {
    state.lastRenderKey = null;
    window.scrollTo(0, 0);
    render();
  });
  window.addEventListener("online", () => { state.reachable = true; sync(); });
  window.addEventListener("offline", () => { updateSyncBar(); });
  document.addEventListener("visibilitychange", () => { if (document.visibilityState === "visible") sync(); });
  setInterval(async () => {
    if (!state.token || state.authExpired || !navigator.onLine) return;
    const counts = await S.counts(state.user);
    if (counts.pending) { state.reachable = true; sync(); }
  }, RETRY_MS);

  if ("serviceWorker" in navigator && config.sw) {
    navigator.serviceWorker.register(config.sw, { scope: config.scope }).catch((error) => console.warn(error));
  }

  document.documentElement.dataset.ready = "true";
  render().then(() => sync());
})();

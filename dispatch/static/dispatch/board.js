/* The dispatcher board: SLA countdowns, click-to-assign, drag and drop. Plain JS on top of htmx. */
(function () {
  "use strict";

  function board() { return document.getElementById("board"); }

  /* --- SLA countdowns: the server sends seconds left; the browser counts from its own clock. --- */
  function pad(n) { return (n < 10 ? "0" : "") + n; }

  function countdown(seconds) {
    var sign = seconds < 0 ? "\u2212" : "";
    var s = Math.abs(Math.trunc(seconds));
    return sign + Math.floor(s / 3600) + ":" + pad(Math.floor((s % 3600) / 60)) + ":" + pad(s % 60);
  }

  function startTimers() {
    var now = Date.now();
    document.querySelectorAll(".sla[data-due-in]:not([data-deadline])").forEach(function (el) {
      el.dataset.deadline = String(now + Number(el.dataset.dueIn) * 1000);
      if (el.dataset.warnIn !== undefined) {
        el.dataset.warnAt = String(now + Number(el.dataset.warnIn) * 1000);
      }
    });
  }

  function tick() {
    startTimers();
    var now = Date.now();
    document.querySelectorAll(".sla[data-deadline]").forEach(function (el) {
      var left = (Number(el.dataset.deadline) - now) / 1000;
      var breached = left <= 0 || el.dataset.state === "breached";
      var atRisk = !breached && (el.dataset.state === "at_risk" ||
        (el.dataset.warnAt !== undefined && now >= Number(el.dataset.warnAt)));
      el.classList.toggle("sla-breached", breached);
      el.classList.toggle("sla-at_risk", atRisk);
      el.classList.toggle("sla-ok", !breached && !atRisk);
      var time = el.querySelector(".sla-time");
      if (time) { time.textContent = countdown(left); }
    });
  }

  /* --- choosing a job and a technician --- */
  var selectedId = null;

  function selectedCard() { return selectedId ? document.getElementById(selectedId) : null; }

  function select(card) {
    var previous = selectedCard();
    if (previous) { previous.classList.remove("selected"); previous.setAttribute("aria-pressed", "false"); }
    selectedId = card && card !== previous ? card.id : null;
    if (selectedId) { card.classList.add("selected"); card.setAttribute("aria-pressed", "true"); }
    var root = board();
    if (root) { root.classList.toggle("has-selection", !!selectedId); }
    highlightOnMap(selectedId ? card.dataset.orderId : null);
  }

  function highlightOnMap(orderId) {
    document.querySelectorAll(".map-job.highlight").forEach(function (dot) { dot.classList.remove("highlight"); });
    if (orderId) {
      document.querySelectorAll('.map-job[data-order-id="' + orderId + '"]').forEach(function (dot) {
        dot.classList.add("highlight");
      });
    }
  }

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  /* The same POST as the card's own Assign button, sent with htmx.ajax. */
  function assign(card, technicianId) {
    var form = card && card.querySelector("form.wo-assign");
    if (!form || !technicianId) { return; }
    form.elements.technician.value = technicianId;
    var values = {};
    new FormData(form).forEach(function (value, key) { values[key] = value; });
    values.technician = technicianId;
    select(null);
    htmx.ajax("POST", form.getAttribute("hx-post"), {
      source: form, target: "#" + card.id, swap: "outerHTML", values: values,
      headers: { "X-CSRFToken": csrfToken() }
    });
  }

  var interactive = "button, select, input, a, label, option, form";

  document.addEventListener("click", function (event) {
    var target = event.target;
    var pick = target.closest(".tech-pick, .tech-row .tech-track");
    if (pick && selectedCard()) {
      var row = pick.closest(".tech-row");
      event.preventDefault();
      assign(selectedCard(), row.dataset.technicianId);
      return;
    }
    var planned = target.closest(".plan-visits li, .plan-unassigned li");
    if (planned) { highlightOnMap(planned.dataset.orderId); return; }
    var dot = target.closest(".map-job");
    if (dot) {
      var linked = document.getElementById("wo-" + dot.dataset.orderId);
      if (linked) { linked.scrollIntoView({ block: "center" }); select(linked); }
      return;
    }
    var card = target.closest(".wo-card");
    if (card && !target.closest(interactive)) { select(card); }
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { select(null); return; }
    var card = event.target.closest && event.target.closest(".wo-card");
    if (card && event.target === card && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      select(card);
    }
  });

  /* --- a technician's proposed route: pointing at it in the plan brings out its line on the map --- */
  function highlightRoute(technicianId) {
    document.querySelectorAll(".map-route").forEach(function (line) {
      line.classList.toggle("highlight", !!technicianId && line.dataset.technicianId === technicianId);
    });
  }
  document.addEventListener("mouseover", function (event) {
    var route = event.target.closest && event.target.closest(".plan-route");
    highlightRoute(route ? route.dataset.technicianId : null);
  });

  /* --- drag a card onto a technician's row --- */
  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest(".wo-card[draggable=true]");
    if (!card) { return; }
    event.dataTransfer.setData("text/plain", card.id);
    event.dataTransfer.effectAllowed = "move";
    card.classList.add("dragging");
  });
  document.addEventListener("dragend", function (event) {
    var card = event.target.closest && event.target.closest(".wo-card");
    if (card) { card.classList.remove("dragging"); }
    document.querySelectorAll(".tech-row.drop-over").forEach(function (row) { row.classList.remove("drop-over"); });
  });
  document.addEventListener("dragover", function (event) {
    var row = event.target.closest && event.target.closest(".tech-row");
    if (!row) { return; }
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    row.classList.add("drop-over");
  });
  document.addEventListener("dragleave", function (event) {
    var row = event.target.closest && event.target.closest(".tech-row");
    if (row && !row.contains(event.relatedTarget)) { row.classList.remove("drop-over"); }
  });
  document.addEventListener("drop", function (event) {
    var row = event.target.closest && event.target.closest(".tech-row");
    if (!row) { return; }
    event.preventDefault();
    row.classList.remove("drop-over");
    var card = document.getElementById(event.dataTransfer.getData("text/plain"));
    if (card) { assign(card, row.dataset.technicianId); }
  });

  /* --- requests htmx does not swap (403, 404, 500, network) --- */
  function flash(text) {
    var box = document.getElementById("board-flash");
    if (!box) { return; }
    box.textContent = text;
    box.hidden = false;
  }
  document.addEventListener("htmx:responseError", function (event) {
    var root = board();
    flash((root ? root.dataset.textFailed : "Request failed") + " (" + event.detail.xhr.status + ")");
  });
  document.addEventListener("htmx:sendError", function () {
    var root = board();
    flash(root ? root.dataset.textFailed : "Request failed");
  });
  document.addEventListener("htmx:beforeRequest", function () {
    var box = document.getElementById("board-flash");
    if (box) { box.hidden = true; }
  });

  document.addEventListener("htmx:afterSettle", tick);
  tick();
  window.setInterval(tick, 1000);
})();

// Opossum Explorer: the page behind `opossum ui`. Plain JavaScript, no
// build step; it only calls the JSON endpoints of docs/explorer.md.
"use strict";

const $ = (sel) => document.querySelector(sel);
const itemColours = ["#2f6fde", "#d9480f", "#2b8a3e", "#9c36b5", "#e67700", "#0b7285", "#c2255c", "#5f3dc4"];

const state = {
  head: 0,
  tab: "timeline",
  timeline: { order: "newest", limit: 50, types: [], tags: [], correlation: "", causation: "", cursor: 0, back: [], page: null, shownTop: 0 },
  query: { items: [{ types: "", tags: "" }], ran: false, next: 0, cursors: [] },
  models: { name: "", next: "" },
};

// api fetches an endpoint; a problem answer becomes an Error with its detail.
async function api(path, params = []) {
  const url = new URL(path, location.href);
  for (const [k, v] of params) url.searchParams.append(k, v);
  const res = await fetch(url);
  const body = await res.json();
  if (!res.ok) {
    const err = new Error(body.detail || res.statusText);
    err.problem = body;
    throw err;
  }
  return body;
}

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else if (k === "text") e.textContent = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "style") e.style.cssText = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) if (c != null) e.append(c);
  return e;
}

function showError(box, err) {
  box.hidden = !err;
  box.textContent = err ? err.message : "";
}

// typeColour gives every type its own colour, the same on every page.
function typeColour(type) {
  let h = 0;
  for (const ch of type) h = (h * 31 + ch.codePointAt(0)) >>> 0;
  return `hsl(${h % 360}, 58%, 40%)`;
}

function typeBadge(type) {
  return el("span", { class: "type-badge", style: `background:${typeColour(type)}`, text: type, "data-type": type,
    title: "filter the timeline by this type",
    onclick: (ev) => { ev.stopPropagation(); addFilter("types", type); } });
}

function tagChip(tag) {
  const s = `${tag.key}:${tag.value}`;
  return el("span", { class: "tag-chip", text: s, "data-tag": s, title: "filter the timeline by this tag",
    onclick: (ev) => { ev.stopPropagation(); addFilter("tags", s); } });
}

function fmtTime(t) {
  if (!t) return "";
  const d = new Date(t);
  return d.toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
}

// renderRows fills tbody with rows; last is a function that returns the
// last cell of a row. Events of one batch are grouped by a bracket.
function renderRows(tbody, rows, last, fresh = 0) {
  tbody.replaceChildren();
  rows.forEach((r, i) => {
    const tr = el("tr", { "data-position": r.position });
    if (r.damaged) {
      tr.className = "damaged";
      tr.append(el("td", { class: "pos", text: r.position }), el("td", { class: "time" }),
        el("td", {}, el("span", { class: "damaged-label", text: "damaged" })),
        el("td", { colspan: 2, text: r.damaged }));
    } else {
      const b = r.batch;
      if (b && b.last > b.first) {
        tr.classList.add("in-batch");
        const prev = rows[i - 1];
        if (!prev || !prev.batch || prev.batch.first !== b.first) {
          tr.classList.add("batch-first");
        }
      }
      const pos = el("td", { class: "pos", text: r.position });
      if (b && b.last > b.first) pos.setAttribute("data-batch", `batch ${b.first}–${b.last}`);
      tr.append(pos, el("td", { class: "time", text: fmtTime(r.time) }), el("td", {}, typeBadge(r.type)),
        el("td", {}, ...r.tags.map(tagChip)), last(r));
    }
    if (r.conflict === true) tr.classList.add("conflict");
    if (r.conflict === false) tr.classList.add("seen");
    if (fresh && r.position > fresh) tr.classList.add("fresh");
    tr.addEventListener("click", () => openEvent(r.position));
    tbody.append(tr);
  });
}

// ---- timeline ----

function timelineParams() {
  const t = state.timeline;
  const p = [["order", t.order], ["limit", t.limit]];
  t.types.forEach((x) => p.push(["type", x]));
  t.tags.forEach((x) => p.push(["tag", x]));
  if (t.correlation) p.push(["correlation", t.correlation]);
  if (t.causation) p.push(["causation", t.causation]);
  if (t.cursor) p.push([t.order === "newest" ? "before" : "after", t.cursor]);
  return p;
}

async function loadTimeline() {
  const t = state.timeline;
  try {
    const page = await api("api/events", timelineParams());
    showError($("#error"), null);
    const fresh = t.page && t.shownTop ? t.shownTop : 0;
    t.page = page;
    setHead(page.head);
    renderRows($("#timeline tbody"), page.events,
      (r) => el("td", { class: "data", text: JSON.stringify(r.data) }), fresh);
    t.shownTop = page.events.reduce((m, r) => Math.max(m, r.position), t.shownTop);
    $("#next-page").disabled = !page.next;
    $("#prev-page").disabled = t.back.length === 0;
    $("#first-page").disabled = t.back.length === 0 && !t.cursor;
    let info = page.events.length ? `positions ${page.events[0].position} … ${page.events[page.events.length - 1].position}` : "no events";
    if (page.scanned) info += ` (${page.scanned} events scanned for the metadata filter)`;
    $("#page-info").textContent = info;
    renderFilters(page.query.cli);
  } catch (err) {
    showError($("#error"), err);
  }
}

function renderFilters(cli) {
  const t = state.timeline;
  const box = $("#filters");
  box.replaceChildren();
  const chip = (label, remove) => box.append(el("span", { class: "filter", text: label, title: "remove this filter", onclick: remove }));
  t.types.forEach((x) => chip(`type ${x}`, () => removeFilter("types", x)));
  t.tags.forEach((x) => chip(`tag ${x}`, () => removeFilter("tags", x)));
  if (t.correlation) chip(`correlation ${t.correlation}`, () => { t.correlation = ""; resetTimeline(); });
  if (t.causation) chip(`causation ${t.causation}`, () => { t.causation = ""; resetTimeline(); });
  if (t.types.length || t.tags.length) box.append(el("code", { class: "hint", text: cli }));
}

function resetTimeline() {
  const t = state.timeline;
  t.cursor = 0; t.back = []; t.shownTop = 0; t.page = null;
  showTab("timeline");
  loadTimeline();
}

function addFilter(kind, value) {
  const list = state.timeline[kind];
  if (!list.includes(value)) list.push(value);
  resetTimeline();
}

function removeFilter(kind, value) {
  state.timeline[kind] = state.timeline[kind].filter((x) => x !== value);
  resetTimeline();
}

function filterMeta(kind, value) {
  const t = state.timeline;
  t.types = []; t.tags = []; t.correlation = ""; t.causation = "";
  t[kind] = value;
  resetTimeline();
}

// ---- one event ----

async function openEvent(pos) {
  document.querySelectorAll("tr.selected").forEach((tr) => tr.classList.remove("selected"));
  document.querySelectorAll(`tr[data-position="${pos}"]`).forEach((tr) => tr.classList.add("selected"));
  const box = $("#event");
  box.hidden = false;
  $("#event-position").textContent = pos;
  try {
    const r = await api(`api/events/${pos}`);
    showError($("#event-damaged"), r.damaged ? new Error(r.damaged) : null);
    const meta = $("#event-meta");
    meta.replaceChildren();
    const line = (k, ...v) => meta.append(el("tr", {}, el("td", { text: k }), el("td", {}, ...v)));
    if (!r.damaged) {
      if (r.id) line("id", r.id,
        el("a", { class: "filter-link", id: "filter-caused", text: "events it caused", onclick: () => filterMeta("causation", r.id) }));
      line("type", typeBadge(r.type));
      line("time", fmtTime(r.time));
      line("tags", ...(r.tags.length ? r.tags.map(tagChip) : ["none"]));
      if (r.batch) line("batch", r.batch.last > r.batch.first ? `appended together with positions ${r.batch.first}–${r.batch.last}` : "appended alone");
      const md = r.metadata || {};
      if (md.correlationId) line("correlation", md.correlationId,
        el("a", { class: "filter-link", id: "filter-correlation", text: "events of this correlation", onclick: () => filterMeta("correlation", md.correlationId) }));
      if (md.causationId) line("causation", md.causationId,
        el("a", { class: "filter-link", id: "filter-causation", text: "events with this causation", onclick: () => filterMeta("causation", md.causationId) }));
      for (const [k, v] of Object.entries(md.extra || {})) line(k, v);
    }
    $("#event-file").textContent = r.file || "";
    $("#event-raw").textContent = r.raw || JSON.stringify(r, null, 2);
  } catch (err) {
    showError($("#event-damaged"), err);
    $("#event-meta").replaceChildren();
    $("#event-raw").textContent = "";
  }
}

// ---- query builder ----

function renderItems() {
  const box = $("#query-items");
  box.replaceChildren();
  state.query.items.forEach((it, i) => {
    const colour = itemColours[i % itemColours.length];
    const types = el("input", { class: "types", placeholder: "types, comma-separated (any of them)", value: it.types });
    types.addEventListener("input", () => { it.types = types.value; });
    const tags = el("input", { class: "tags", placeholder: "key:value tags, comma-separated (all of them)", value: it.tags });
    tags.addEventListener("input", () => { it.tags = tags.value; });
    const remove = el("button", { class: "remove-item", text: "remove", title: "remove this item",
      onclick: () => { state.query.items.splice(i, 1); if (!state.query.items.length) state.query.items.push({ types: "", tags: "" }); renderItems(); } });
    const card = el("div", { class: "item-card", style: `--item-colour:${colour}` },
      i > 0 ? el("span", { class: "or", text: "OR" }) : null,
      el("span", { class: "item-label", text: `item ${i}` }),
      el("label", {}, "type is one of ", types), el("span", { class: "or", text: "AND" }),
      el("label", {}, "has all tags ", tags), remove);
    box.append(card);
  });
}

function splitList(s) {
  return s.split(",").map((x) => x.trim()).filter((x) => x !== "");
}

// builtQuery returns the query of the builder as JSON, or throws why not.
function builtQuery() {
  const items = state.query.items.map((it, i) => {
    const item = {};
    const types = splitList(it.types);
    if (types.length) item.types = types;
    const tags = splitList(it.tags).map((s) => {
      const c = s.indexOf(":");
      if (c < 0) throw new Error(`item ${i}: the tag "${s}" has no ':' between key and value`);
      return { key: s.slice(0, c), value: s.slice(c + 1) };
    });
    if (tags.length) item.tags = tags;
    return item;
  });
  return JSON.stringify({ items });
}

async function runQuery(more = false) {
  const q = state.query;
  const errBox = $("#query-error");
  let query;
  try {
    query = builtQuery();
  } catch (err) {
    showError(errBox, err);
    return;
  }
  const p = [["query", query], ["order", "newest"], ["limit", 50]];
  const condition = $("#mode-condition").checked;
  if (condition) p.push(["conditionAfter", $("#condition-after").value || "0"]);
  if (more && q.next) p.push(["before", q.next]);
  try {
    const page = await api("api/events", p);
    showError(errBox, null);
    q.ran = true;
    q.next = page.next || 0;
    setHead(page.head);
    $("#query-go").textContent = condition && page.condition ? page.condition.go : page.query.go;
    $("#query-cli").textContent = page.query.cli;
    const verdict = $("#verdict");
    verdict.hidden = !page.condition;
    if (page.condition) {
      const c = page.condition;
      verdict.className = c.wouldFail ? "fails" : "holds";
      verdict.textContent = c.wouldFail
        ? `✗ This append would fail: ${c.conflicts === 1 ? "1 event matches" : `${c.conflicts} events match`} the query after position ${c.after} (the newest is ${c.latest}).`
        : `✓ This append would succeed: no event matches the query after position ${c.after}.`;
    }
    renderRows($("#results tbody"), page.events, (r) => el("td", {}, ...(r.matched || []).map((i) =>
      el("span", { class: "matched-badge", style: `--item-colour:${itemColours[i % itemColours.length]}`, text: `item ${i}`, "data-item": i }))));
    $("#results-more").disabled = !page.next;
    $("#results-info").textContent = `${page.events.length === 1 ? "1 event" : `${page.events.length} events`} shown${page.next ? ", more after them" : ""}`;
  } catch (err) {
    showError(errBox, err);
    $("#results tbody").replaceChildren();
    $("#verdict").hidden = true;
  }
}

// ---- read models ----

async function loadProjections() {
  try {
    const r = await api("api/projections");
    setHead(r.head);
    const tbody = $("#projections tbody");
    tbody.replaceChildren();
    if (!r.projections.length) {
      tbody.append(el("tr", {}, el("td", { colspan: 7, text: "No projections in this store's folder." })));
    }
    for (const p of r.projections) {
      tbody.append(el("tr", { "data-name": p.name, onclick: () => loadModels(p.name) },
        el("td", { text: p.name }), el("td", { text: p.generation || "" }), el("td", { text: p.version || "" }),
        el("td", { text: p.position }), el("td", { text: r.head }),
        el("td", { class: p.lag ? "lag-behind" : "lag-0", text: p.problem ? "" : p.lag }),
        el("td", { text: p.problem || (p.rebuilding ? `rebuilding in ${p.rebuilding}` : "") })));
    }
  } catch (err) {
    showError($("#error"), err);
  }
}

async function loadModels(name, more = false) {
  const m = state.models;
  if (!more) { m.name = name; m.next = ""; $("#model-keys").replaceChildren(); }
  $("#models-title").textContent = `Read models of ${name}`;
  try {
    const p = [["limit", 100]];
    if (more && m.next) p.push(["after", m.next]);
    const r = await api(`api/projections/${encodeURIComponent(name)}/models`, p);
    for (const it of r.models) {
      $("#model-keys").append(el("li", { text: it.key, onclick: () => loadModel(name, it.key) }));
    }
    m.next = r.next || "";
    $("#models-more").hidden = !r.next;
  } catch (err) {
    showError($("#error"), err);
  }
}

async function loadModel(name, key) {
  try {
    const r = await api(`api/projections/${encodeURIComponent(name)}/model`, [["key", key]]);
    $("#model-title").textContent = `${name} / ${key}`;
    $("#model-json").textContent = JSON.stringify(r, null, 2);
  } catch (err) {
    showError($("#error"), err);
  }
}

// ---- live ----

function setHead(h) {
  state.head = Math.max(state.head, h);
  $("#head").textContent = state.head;
}

let refreshTimer = null;
function refreshSoon() {
  clearTimeout(refreshTimer);
  refreshTimer = setTimeout(() => {
    const t = state.timeline;
    if (state.tab === "timeline" && !t.cursor && !t.back.length && t.order === "newest") loadTimeline();
    else if (state.tab === "timeline" && t.order === "oldest" && t.page && !t.page.next) loadTimeline();
    else if (state.tab === "query" && state.query.ran) runQuery();
    else if (state.tab === "models") loadProjections();
  }, 100);
}

function connect() {
  const live = $("#live");
  const es = new EventSource("api/stream");
  es.addEventListener("ready", () => { live.textContent = "live"; live.className = "live on"; });
  es.addEventListener("append", (ev) => {
    const r = JSON.parse(ev.data);
    setHead(r.position);
    refreshSoon();
  });
  es.addEventListener("problem", (ev) => showError($("#error"), new Error(JSON.parse(ev.data).detail)));
  es.onerror = () => { live.textContent = "reconnecting…"; live.className = "live off"; };
}

// ---- tabs and wiring ----

function showTab(name) {
  state.tab = name;
  document.querySelectorAll(".tab").forEach((b) => b.classList.toggle("active", b.dataset.tab === name));
  document.querySelectorAll(".pane").forEach((p) => { p.hidden = p.id !== `tab-${name}`; });
  if (name === "models") loadProjections();
}

document.querySelectorAll(".tab").forEach((b) => b.addEventListener("click", () => showTab(b.dataset.tab)));
$("#order").addEventListener("change", (e) => { state.timeline.order = e.target.value; resetTimeline(); });
$("#limit").addEventListener("change", (e) => { state.timeline.limit = Number(e.target.value); resetTimeline(); });
$("#next-page").addEventListener("click", () => {
  const t = state.timeline;
  if (!t.page || !t.page.next) return;
  t.back.push(t.cursor);
  t.cursor = t.page.next;
  loadTimeline();
});
$("#prev-page").addEventListener("click", () => {
  const t = state.timeline;
  if (!t.back.length) return;
  t.cursor = t.back.pop();
  loadTimeline();
});
$("#first-page").addEventListener("click", () => resetTimeline());
$("#close-event").addEventListener("click", () => { $("#event").hidden = true; });
$("#add-item").addEventListener("click", () => { state.query.items.push({ types: "", tags: "" }); renderItems(); });
$("#run-query").addEventListener("click", () => runQuery());
$("#results-more").addEventListener("click", () => runQuery(true));
$("#models-more").addEventListener("click", () => loadModels(state.models.name, true));

(async function start() {
  renderItems();
  try {
    const info = await api("api/store");
    $("#store-dir").textContent = info.dir || "";
    document.title = `Opossum Explorer: ${info.dir || "store"}`;
    setHead(info.head);
  } catch (err) {
    showError($("#error"), err);
  }
  await loadTimeline();
  connect();
})();

// cardbot sandbox page: talks to the sandbox's routes relative to this
// page, and renders the event stream (api/events). No dependencies.
"use strict";

const $ = (id) => document.getElementById(id);
const view = { setup: null, messenger: "", user: "", chat: "private" };
const events = []; // every event received, oldest first

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === "class") e.className = v; else e.setAttribute(k, v);
  }
  for (const c of children) {
    if (c !== null && c !== undefined) e.append(c);
  }
  return e;
}

function current() {
  return view.setup.messengers.find((m) => m.id === view.messenger);
}

function chatID() {
  const m = current();
  return view.chat === "group" ? m.chats.group : m.chats[view.user];
}

function userName(id) {
  const u = view.setup.users.find((x) => x.id === id);
  return u ? u.name : id;
}

function clock(t) {
  return new Date(t).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false });
}

function query() {
  return "?user=" + encodeURIComponent(view.user) + "&chat=" + encodeURIComponent(view.chat);
}

function showError(text) {
  $("error").textContent = text || "";
}

async function post(path, body, type) {
  showError("");
  try {
    const r = await fetch(path, { method: "POST", body, headers: { "Content-Type": type || "text/plain" } });
    if (!r.ok) {
      let msg = r.status + " " + r.statusText;
      try {
        const j = await r.json();
        msg = j.message || j.error || msg;
      } catch (e) { /* not JSON */ }
      showError(msg);
    }
    return r;
  } catch (e) {
    showError("The sandbox did not answer: " + e.message);
    return null;
  }
}

// ---- rendering -----------------------------------------------------------

function contactCard(c) {
  const name = [c.firstName, c.lastName].filter(Boolean).join(" ") || c.name || "Contact";
  const lines = [];
  if (c.phone) lines.push(el("span", { class: "number" }, "+" + c.phone));
  for (const w of c.written || []) lines.push(el("span", { class: "number" }, w)); // as the user typed it
  if (c.account) {
    const what = view.messenger === "aitu" ? "Aitu user " : view.messenger === "max" ? "MAX account " : view.messenger === "telegram" ? "Telegram chat " : "account ";
    lines.push(el("span", { class: "account" }, what + c.account));
  }
  if (c.company) lines.push(el("span", { class: "company" }, c.company));
  if (!lines.length) lines.push(el("span", { class: "number" }, "no number"));
  return el("div", { class: "card" }, el("span", { class: "avatar", "aria-hidden": "true" }, name.slice(0, 1).toUpperCase()),
    el("span", { class: "name" }, name), ...lines);
}

function fileIcon(name) {
  const ext = (name.match(/\.([a-z0-9]{1,4})$/i) || ["", "file"])[1];
  return el("span", { class: "fileicon", "aria-hidden": "true" }, ext.toUpperCase());
}

function bubble(ev) {
  const d = ev.data;
  const mine = ev.kind === "message";
  const li = el("li", { class: "msg " + (mine ? "user" : "bot"), "data-id": String(ev.id) });
  if (mine && view.chat === "group") li.append(el("span", { class: "who" }, d.fromName));
  if (!mine) li.append(el("span", { class: "who" }, "Bot"));
  if (d.text !== undefined && d.text !== "") li.append(el("div", { class: "text" }, d.text));
  if (d.contact) li.append(contactCard(d.contact));
  for (const c of d.contacts || []) {
    li.append(contactCard({ name: c.name, written: c.phones || [] }));
  }
  if (d.file) {
    li.append(el("div", { class: "file" }, fileIcon(d.file.name), el("span", {}, d.file.name + " · " + d.file.size + " bytes")));
  }
  // Documents the bot sends: no provider records them yet; a reply with
  // {document: {name, url}} shows as a file to download.
  if (d.document) {
    const name = d.document.name || "file";
    li.append(el("div", { class: "file" }, fileIcon(name), el("a", { href: d.document.url, download: name }, name)));
  }
  li.append(el("time", { datetime: ev.time }, clock(ev.time)));
  return li;
}

function pretty(v) {
  if (v === undefined || v === null) return "";
  return typeof v === "string" ? v : JSON.stringify(v, null, 2);
}

function trafficItem(ev) {
  const d = ev.data;
  let summary;
  const body = [];
  if (ev.kind === "webhook") {
    summary = [el("span", { class: "dir" }, "webhook"), " → bot ",
      el("span", { class: "status" + (d.status === 200 ? "" : " bad") }, String(d.status)),
      " · " + d.ms + " ms", d.again ? el("span", { class: "again" }, " · delivered again") : null];
    body.push(el("pre", {}, pretty(d.body)));
    if (d.answer) body.push(el("pre", {}, "answer: " + d.answer));
  } else if (ev.kind === "call") {
    summary = [el("span", { class: "dir" }, "API"), " ", d.httpMethod + " " + d.method + " ",
      el("span", { class: "status" + (d.status >= 200 && d.status < 300 ? "" : " bad") }, String(d.status || "—")),
      " · " + d.ms + " ms", d.fault ? el("span", { class: "fault" }, " · " + d.fault) : null];
    body.push(el("pre", {}, d.httpMethod + " " + d.path));
    if (d.request !== undefined) body.push(el("pre", {}, "request:\n" + pretty(d.request)));
    if (d.response !== undefined) body.push(el("pre", {}, "response:\n" + pretty(d.response)));
    if (d.error) body.push(el("pre", {}, "error: " + d.error));
  } else {
    return null;
  }
  const li = el("li", { class: ev.kind, "data-id": String(ev.id) });
  li.append(el("details", {}, el("summary", {}, ...summary, " ", el("time", { datetime: ev.time }, clock(ev.time))), ...body));
  return li;
}

function inChat(ev) {
  return (ev.kind === "message" || ev.kind === "reply") && ev.messenger === view.messenger && ev.data.chat === chatID();
}

function render() {
  const m = current();
  document.body.className = "m-" + m.id;
  const where = view.chat === "group" ? view.setup.group + " (group, as " + userName(view.user) + ")" : userName(view.user);
  $("chat-title").textContent = m.label + " · " + where;
  const t = $("transcript");
  t.replaceChildren(...events.filter(inChat).map(bubble));
  t.scrollTop = t.scrollHeight;
  const tr = $("traffic");
  tr.replaceChildren(...events.filter((e) => e.messenger === view.messenger).map(trafficItem).filter(Boolean).reverse());
  showFaults(m.faults);
  refreshState();
}

function add(ev) {
  events.push(ev);
  if (ev.kind === "faults") {
    const m = view.setup.messengers.find((x) => x.id === ev.messenger);
    if (m) m.faults = ev.data;
  }
  if (ev.messenger !== view.messenger) return;
  if (inChat(ev)) {
    const t = $("transcript");
    t.append(bubble(ev));
    t.scrollTop = t.scrollHeight;
    if (ev.kind === "reply") refreshState();
  }
  const item = trafficItem(ev);
  if (item) $("traffic").prepend(item);
  if (ev.kind === "faults") showFaults(ev.data);
}

function showFaults(f) {
  const parts = [];
  if (f && f.failCount) parts.push("the next " + (f.failCount > 1 ? f.failCount + " sends fail" : "send fails") + " with " + f.failStatus);
  if (f && f.slowMs) parts.push("every API call waits " + f.slowMs / 1000 + " s");
  $("faults").textContent = parts.length ? "Set: " + parts.join("; ") + "." : "No faults set.";
  $("slow").setAttribute("aria-pressed", f && f.slowMs ? "true" : "false");
}

async function refreshState() {
  const box = $("state");
  if (!view.setup.state) {
    box.textContent = "Not available: this bot keeps no conversation state per chat (cardbot.WithState).";
    return;
  }
  try {
    const r = await fetch("api/state?messenger=" + encodeURIComponent(view.messenger) + "&chat=" + encodeURIComponent(chatID()));
    const j = await r.json();
    box.textContent = j.error ? "error: " + j.error : (j.state === undefined ? "(no state for this chat)" : pretty(j.state));
  } catch (e) {
    box.textContent = "could not read the state: " + e.message;
  }
}

// ---- actions -------------------------------------------------------------

function vcardOf(name, numbers) {
  const esc = (s) => s.replace(/\\/g, "\\\\").replace(/([,;])/g, "\\$1");
  const words = name.trim().split(/\s+/).filter(Boolean);
  const first = words.length ? words[0] : "";
  const last = words.slice(1).join(" ");
  const lines = ["BEGIN:VCARD", "VERSION:3.0", "FN:" + esc(name.trim()), "N:" + esc(last) + ";" + esc(first) + ";;;"];
  for (const n of numbers) lines.push("TEL;TYPE=CELL:" + n);
  lines.push("END:VCARD");
  return lines.join("\r\n") + "\r\n";
}

function wire() {
  $("send-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    const input = $("text");
    const text = input.value;
    if (!text.trim()) return;
    input.value = "";
    await post(view.messenger + "/text" + query(), text);
    input.focus();
  });
  $("contact-form").addEventListener("submit", async (e) => {
    e.preventDefault();
    let vcard = $("contact-vcard").value.trim();
    if (!vcard) {
      const name = $("contact-name").value;
      const numbers = $("contact-numbers").value.split(/\n/).map((s) => s.trim()).filter(Boolean);
      if (!name.trim() && !numbers.length) {
        showError("Give a name and a number, or paste a vCard.");
        return;
      }
      vcard = vcardOf(name, numbers);
    }
    await post(view.messenger + "/contact" + query(), vcard, "text/vcard");
    $("contact-name").value = $("contact-numbers").value = $("contact-vcard").value = "";
  });
  $("vcf-file").addEventListener("change", async (e) => {
    const file = e.target.files[0];
    if (!file) return;
    await post(view.messenger + "/vcf" + query() + "&name=" + encodeURIComponent(file.name), file, file.type || "text/vcard");
    e.target.value = "";
  });
  $("again").addEventListener("click", async () => {
    const r = await post(view.messenger + "/again", "");
    if (r && r.status === 409) showError("Nothing was delivered on " + current().label + " yet.");
  });
  const fault = (body) => post(view.messenger + "/fault", JSON.stringify(body), "application/json");
  $("fail-429").addEventListener("click", () => fault({ fail: 429 }));
  $("fail-500").addEventListener("click", () => fault({ fail: 500 }));
  $("slow").addEventListener("click", () => fault({ slow: $("slow").getAttribute("aria-pressed") !== "true" }));
  $("user").addEventListener("change", (e) => { view.user = e.target.value; render(); });
  $("chat").addEventListener("change", (e) => { view.chat = e.target.value; render(); });
}

function connect() {
  const src = new EventSource("api/events");
  const live = $("live");
  src.addEventListener("open", () => {
    live.textContent = "live";
    document.body.dataset.live = "1";
  });
  src.addEventListener("error", () => {
    live.textContent = "reconnecting…";
    delete document.body.dataset.live;
  });
  for (const kind of ["message", "reply", "webhook", "call", "faults"]) {
    src.addEventListener(kind, (e) => add(JSON.parse(e.data)));
  }
}

async function start() {
  const r = await fetch("api/setup");
  view.setup = await r.json();
  const box = $("messengers");
  for (const m of view.setup.messengers) {
    const input = el("input", { type: "radio", name: "messenger", id: "messenger-" + m.id, value: m.id });
    input.addEventListener("change", () => { view.messenger = m.id; render(); });
    box.append(el("label", { for: "messenger-" + m.id }, input, el("span", {}, m.label)));
  }
  const sel = $("user");
  for (const u of view.setup.users) sel.append(el("option", { value: u.id }, u.name));
  view.messenger = view.setup.messengers[0].id;
  view.user = view.setup.users[0].id;
  $("messenger-" + view.messenger).checked = true;
  wire();
  render();
  connect();
}

start().catch((e) => showError("The sandbox did not start: " + e.message));

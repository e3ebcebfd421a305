// Keyboard-driven moderation on the queue page. Every action calls the JSON moderation API
// with the session cookie and the X-CSRF-Token header, so there is one implementation of
// each decision; without this script the same buttons post plain forms.
(() => {
  "use strict";

  const API = {
    decision: (id) => `/v1/moderation/comments/${id}/decision`,
    bulk: "/v1/moderation/decisions",
    undo: (id) => `/v1/moderation/comments/${id}/undo`,
  };
  const PAST = { approve: "approved", reject: "rejected as abuse", spam: "rejected as spam", delete: "deleted" };

  const form = document.getElementById("queue-form");
  if (!form) return;
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const list = document.getElementById("items");
  const statusBox = document.getElementById("status");
  const help = document.getElementById("help");
  const undoBar = document.getElementById("undo-bar");
  const undoText = document.getElementById("undo-text");
  const tab = form.dataset.status;
  let current = null;
  let lastUndo = null; // {entries: [{item, before, id}], label}

  const items = () => (list ? Array.from(list.querySelectorAll(".item")) : []);

  function say(message) {
    statusBox.textContent = message;
    clearTimeout(say.timer);
    say.timer = setTimeout(() => { statusBox.textContent = ""; }, 6000);
  }

  function select(item, focus = true) {
    if (current) { current.classList.remove("current"); current.removeAttribute("aria-current"); current.tabIndex = -1; }
    current = item || null;
    if (!current) { document.getElementById("empty").hidden = items().length > 0; return; }
    current.classList.add("current");
    current.setAttribute("aria-current", "true");
    current.tabIndex = 0;
    if (focus) current.focus({ preventScroll: true });
    current.scrollIntoView({ block: "nearest" });
  }

  function move(step) {
    const all = items();
    if (!all.length) return;
    const index = all.indexOf(current);
    select(all[Math.min(all.length - 1, Math.max(0, index + step))]);
  }

  function bump(status, delta) {
    const badge = document.querySelector(`[data-count="${status}"]`);
    if (badge) badge.textContent = String(Math.max(0, Number(badge.textContent) + delta));
  }

  function setVersion(item, version) {
    item.dataset.version = String(version);
    const id = item.dataset.id;
    item.querySelectorAll('button[name="one"]').forEach((b) => { b.value = `${id}:${version}:${b.dataset.action}`; });
    const box = item.querySelector(".select");
    if (box) box.value = `${id}:${version}`;
  }

  function updateSelection() {
    const chosen = items().filter((item) => item.querySelector(".select").checked);
    items().forEach((item) => item.classList.toggle("chosen", item.querySelector(".select").checked));
    document.getElementById("selected-count").textContent = `${chosen.length} selected`;
    return chosen;
  }

  async function api(url, body) {
    const response = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify(body),
    });
    let data = null;
    try { data = await response.json(); } catch (_) { data = null; }
    if (response.status === 401) { window.location.assign("/moderate/login?next=" + encodeURIComponent(location.pathname + location.search)); }
    if (!response.ok) throw new Error((data && data.error && data.error.message) || `The server answered ${response.status}.`);
    return data;
  }

  // Take a decided comment out of the list, remembering where it was so undo can put it back.
  function takeOut(item, result) {
    const all = items();
    const index = all.indexOf(item);
    const entry = { item, before: item.nextElementSibling, id: item.dataset.id };
    const wasCurrent = item === current;
    item.querySelector(".select").checked = false;
    item.remove();
    bump(tab, -1);
    if (result.status !== tab) bump(result.status, 1);
    entry.status = result.status;
    if (wasCurrent) { current = null; const rest = items(); select(rest[Math.min(index, rest.length - 1)]); }
    return entry;
  }

  function offerUndo(entries, label) {
    lastUndo = { entries, label };
    undoText.textContent = label;
    undoBar.hidden = false;
    say(label);
  }

  async function decide(item, action) {
    if (!item || item.dataset.busy) return;
    item.dataset.busy = "1";
    try {
      const result = await api(API.decision(item.dataset.id), { action, version: Number(item.dataset.version) });
      delete item.dataset.busy;
      setVersion(item, result.version);
      offerUndo([takeOut(item, result)], `Comment ${item.dataset.id} ${PAST[action]}.`);
      updateSelection();
    } catch (error) {
      delete item.dataset.busy;
      say(`Comment ${item.dataset.id}: ${error.message}`);
    }
  }

  async function bulk(action) {
    const chosen = updateSelection();
    if (!chosen.length) { say("Select comments first: press x on each, or tick their boxes."); return; }
    try {
      const decisions = chosen.map((item) => ({ id: Number(item.dataset.id), action, version: Number(item.dataset.version) }));
      const answer = await api(API.bulk, { decisions });
      const byId = new Map(chosen.map((item) => [item.dataset.id, item]));
      const entries = [];
      const failures = [];
      for (const outcome of answer.results) {
        const item = byId.get(String(outcome.id));
        if (!item) continue;
        if (outcome.ok) { setVersion(item, outcome.result.version); entries.push(takeOut(item, outcome.result)); }
        else failures.push(`${outcome.id}: ${outcome.error.message}`);
      }
      updateSelection();
      if (entries.length) offerUndo(entries, `${entries.length} comments ${PAST[action]}.`);
      if (failures.length) say(`Not decided: ${failures.join("; ")}`);
    } catch (error) {
      say(error.message);
    }
  }

  async function undo() {
    if (!lastUndo) { say("Nothing to undo."); return; }
    const { entries } = lastUndo;
    lastUndo = null;
    undoBar.hidden = true;
    const failures = [];
    let restored = null;
    for (const entry of entries.slice().reverse()) {
      try {
        const result = await api(API.undo(entry.id), {});
        setVersion(entry.item, result.version);
        if (entry.before && entry.before.isConnected) list.insertBefore(entry.item, entry.before);
        else list.appendChild(entry.item);
        bump(entry.status, -1);
        if (result.status !== entry.status) bump(result.status, 1);
        restored = entry.item;
      } catch (error) {
        failures.push(`${entry.id}: ${error.message}`);
      }
    }
    document.getElementById("empty").hidden = items().length > 0;
    if (restored) select(restored);
    say(failures.length ? `Could not undo ${failures.join("; ")}` : "Undone.");
  }

  function toggleHelp() {
    if (help.open) help.close();
    else help.showModal();
  }

  form.addEventListener("submit", (event) => {
    const button = event.submitter;
    if (!button) return;
    event.preventDefault();
    if (button.name === "one") decide(button.closest(".item"), button.dataset.action);
    else if (button.name === "bulk") bulk(button.value);
  });
  form.addEventListener("change", (event) => { if (event.target.classList.contains("select")) updateSelection(); });
  if (list) {
    list.addEventListener("click", (event) => {
      const item = event.target.closest(".item");
      if (item && item !== current) select(item, !event.target.closest("a, button, input"));
    });
  }
  document.getElementById("help-button").addEventListener("click", toggleHelp);
  document.getElementById("undo-button").addEventListener("click", undo);

  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target.closest && target.closest("input:not([type=checkbox]), textarea, select, [contenteditable]")) return;
    if (help.open) { if (event.key === "?") { event.preventDefault(); help.close(); } return; }
    const actions = { a: "approve", r: "reject", s: "spam" };
    switch (event.key) {
      case "j": move(1); break;
      case "k": move(-1); break;
      case "a": case "r": case "s": decide(current, actions[event.key]); break;
      case "x":
        if (current) { const box = current.querySelector(".select"); box.checked = !box.checked; updateSelection(); }
        break;
      case "u": undo(); break;
      case "o": if (current) window.location.assign(current.querySelector("h2 a").href); break;
      case "Enter":
        if (current && target === current) window.location.assign(current.querySelector("h2 a").href);
        else return;
        break;
      case "?": toggleHelp(); break;
      default: return;
    }
    event.preventDefault();
  });

  select(items()[0]);
})();

// The skillgraph page: sends statements to POST /query, shows each answer as a table (and its
// picture from /render), completes from /complete. Every value from the server is put into the
// page with textContent or as an attribute set through the DOM, never as HTML.
"use strict";

const form = document.getElementById("ask");
const box = document.getElementById("statements");
const list = document.getElementById("completions");
const results = document.getElementById("results");
const status = document.getElementById("status");

// Columns that hold node names when an answer does not say which (routes, listings).
const NAME_COLUMNS = new Set(["from", "to", "role", "name", "skill", "tool", "covered_by", "node"]);

function quoted(text) {
  return '"' + text.replace(/\\/g, "\\\\").replace(/"/g, '\\"') + '"';
}

function el(tag, attrs, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

function nodeLink(label, reference) {
  const a = el("a", { href: "#", class: "node", title: "show " + label }, label);
  a.addEventListener("click", (event) => {
    event.preventDefault();
    box.value = "show " + quoted(reference);
    run();
  });
  return a;
}

function cellContent(td, value, linkAs) {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      if (i > 0) td.append(", ");
      if (linkAs) td.append(nodeLink(String(item), String(item)));
      else td.append(String(item));
    });
    return;
  }
  if (linkAs && typeof value === "string" && value !== "") {
    td.append(nodeLink(value, linkAs === true ? value : linkAs));
    return;
  }
  td.textContent = typeof value === "object" ? JSON.stringify(value) : String(value);
}

function table(answer) {
  const rows = answer.rows || [];
  if (rows.length === 0) return el("p", {}, "(no rows)");
  const nodes = answer.node_columns;
  // Ids and kinds of node rows are for programs; the name links to the node by its id.
  const hidden = new Set(nodes ? [nodes.id] : []);
  const columns = answer.columns.filter((c, i) => !hidden.has(c) && answer.columns.indexOf(c) === i);
  const t = el("table");
  const head = t.createTHead().insertRow();
  for (const c of columns) head.append(el("th", {}, c));
  const body = t.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    for (const c of columns) {
      const td = tr.insertCell();
      let linkAs = false;
      if (nodes && c === nodes.name) linkAs = row[nodes.id] || true;
      else if (!nodes && NAME_COLUMNS.has(c)) linkAs = true;
      cellContent(td, row[c], linkAs);
    }
  }
  return t;
}

function showError(error, into) {
  const div = el("div", { class: "answer error" });
  div.append(el("h2", {}, "error: " + error.message));
  if (error.rendered) div.append(el("pre", {}, error.rendered));
  else if (error.line) div.append(el("p", {}, "line " + error.line + ", column " + error.column));
  into.append(div);
}

function showAnswers(reply) {
  results.replaceChildren();
  const answers = reply.results || [];
  answers.forEach((answer, i) => {
    const div = el("div", { class: "answer" });
    div.append(el("div", { class: "statement" }, answer.statement));
    if (answer.kind === "message") {
      for (const line of answer.lines) div.append(el("p", {}, line));
    } else {
      if (answer.title) {
        const heading = answer.summary ? answer.title + ": " + answer.summary : answer.title;
        div.append(el("h2", {}, heading));
      }
      div.append(table(answer));
    }
    if (answer.notes && answer.notes.length) {
      const notes = el("div", { class: "notes" });
      for (const note of answer.notes) notes.append(el("p", {}, note));
      div.append(notes);
    }
    if (answer.picture) {
      // The statements up to this one, so that its `let` profiles are there; /render only reads.
      const script = answers.slice(0, i + 1).map((a) => a.statement).join("\n");
      const url = "/render?q=" + encodeURIComponent(script) + "&at=" + i;
      const picture = el("div", { class: "picture" });
      const img = el("img", { src: url, alt: "picture of " + (answer.title || answer.statement) });
      picture.append(img);
      div.append(picture);
    }
    results.append(div);
  });
  if (reply.error) showError(reply.error, results);
}

async function run() {
  hideCompletions();
  status.textContent = "running…";
  try {
    const response = await fetch("/query", {
      method: "POST",
      headers: { "Content-Type": "text/plain; charset=utf-8" },
      body: box.value,
    });
    const reply = await response.json();
    showAnswers(reply);
    status.textContent = response.ok ? "" : "HTTP " + response.status;
  } catch (e) {
    status.textContent = "the server did not answer: " + e;
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  run();
});

// Completion: what the shell's Tab offers for the current line up to the caret.
let candidates = [];
let active = 0;
let lineStart = 0;
let timer = null;

function hideCompletions() {
  list.hidden = true;
  candidates = [];
}

function showCompletions() {
  list.replaceChildren();
  candidates.forEach((c, i) => {
    const li = el("li", { role: "option", class: i === active ? "active" : "" }, c.display);
    li.addEventListener("mousedown", (event) => {
      event.preventDefault();
      accept(i);
    });
    list.append(li);
  });
  list.hidden = candidates.length === 0;
}

async function fetchCompletions() {
  const caret = box.selectionStart;
  const before = box.value.slice(0, caret);
  lineStart = before.lastIndexOf("\n") + 1;
  const prefix = before.slice(lineStart);
  try {
    const response = await fetch("/complete?prefix=" + encodeURIComponent(prefix));
    if (!response.ok) return hideCompletions();
    const reply = await response.json();
    if (box.selectionStart !== caret) return;
    candidates = reply.candidates.slice(0, 50).map((c) => ({ ...c, start: lineStart + reply.start }));
    active = 0;
    showCompletions();
  } catch (e) {
    hideCompletions();
  }
}

function accept(i) {
  const c = candidates[i];
  const caret = box.selectionStart;
  box.value = box.value.slice(0, c.start) + c.replacement + box.value.slice(caret);
  const at = c.start + c.replacement.length;
  box.setSelectionRange(at, at);
  hideCompletions();
  box.focus();
}

box.addEventListener("input", () => {
  clearTimeout(timer);
  timer = setTimeout(fetchCompletions, 120);
});

box.addEventListener("keydown", (event) => {
  if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
    event.preventDefault();
    run();
    return;
  }
  if (event.key === "Tab" && list.hidden) {
    event.preventDefault();
    fetchCompletions();
    return;
  }
  if (list.hidden) return;
  if (event.key === "ArrowDown" || event.key === "ArrowUp") {
    event.preventDefault();
    const step = event.key === "ArrowDown" ? 1 : -1;
    active = (active + step + candidates.length) % candidates.length;
    showCompletions();
  } else if (event.key === "Tab" || event.key === "Enter") {
    event.preventDefault();
    accept(active);
  } else if (event.key === "Escape") {
    hideCompletions();
  }
});

box.addEventListener("blur", () => setTimeout(hideCompletions, 150));
box.focus();
box.setSelectionRange(box.value.length, box.value.length);

/**
 * The rating page: one self-contained HTML document (no external script, style or font), served by server.ts.
 * It asks the server for the session, opens the item in the address (`#item-N`) or the first unrated one,
 * and shows the instruction, the answers as "Answer 1..n" (never the student), A-D buttons with their
 * definitions on each, and the progress. A click records the rating at once; the reply re-draws the item.
 */
import { GRADES } from './grades.ts';

const STYLE = `
body { font: 16px/1.5 system-ui, sans-serif; margin: 0 auto; max-width: 52rem; padding: 1rem; color: #1b1b1b; }
header { display: flex; justify-content: space-between; align-items: baseline; gap: 1rem; flex-wrap: wrap; }
#progress { color: #444; }
.instruction, .answer { border: 1px solid #ccc; border-radius: 6px; padding: 0.75rem 1rem; margin: 1rem 0; }
.instruction { background: #f4f6fa; }
.answer .text { white-space: pre-wrap; margin: 0.25rem 0 0.75rem; }
.answer .text:empty::before { content: "(empty answer)"; color: #888; }
.rate { font: inherit; padding: 0.3rem 0.9rem; margin-right: 0.4rem; border: 1px solid #888; border-radius: 4px; background: #fff; cursor: pointer; }
.rate[aria-pressed="true"] { background: #1f5fbf; color: #fff; border-color: #1f5fbf; }
nav button { font: inherit; padding: 0.3rem 0.9rem; }
dl.legend { display: grid; grid-template-columns: auto 1fr; gap: 0.2rem 0.8rem; font-size: 0.9rem; color: #333; }
dl.legend dt { font-weight: bold; }
#error { color: #a00; }
`;

const SCRIPT = `
const GRADES = ${JSON.stringify(GRADES)};
let session = null;
let current = null;
const $ = (id) => document.getElementById(id);

async function call(path, body) {
  const res = await fetch(path, body === undefined ? {} : { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const data = await res.json();
  if (!res.ok) throw new Error(data.error || res.statusText);
  return data;
}

function indexFromHash() {
  const m = /^#item-(\\d+)$/.exec(location.hash);
  return m ? Number(m[1]) - 1 : null;
}

function showProgress(p) {
  $('progress').textContent = p.rated + ' of ' + p.total + ' answers rated · ' + p.itemsDone + ' of ' + p.items + ' instructions done';
}

function draw(item) {
  current = item;
  document.body.dataset.item = String(item.index + 1);
  $('position').textContent = 'Instruction ' + (item.index + 1) + ' of ' + session.items;
  $('instruction-text').textContent = item.instruction;
  $('input-block').hidden = item.input === '';
  $('input-text').textContent = item.input;
  const list = $('answers');
  list.replaceChildren();
  for (const a of item.answers) {
    const box = document.createElement('section');
    box.className = 'answer';
    box.dataset.slot = String(a.slot);
    const h = document.createElement('h3');
    h.textContent = 'Answer ' + (a.slot + 1);
    const text = document.createElement('div');
    text.className = 'text';
    text.textContent = a.text;
    const buttons = document.createElement('div');
    buttons.setAttribute('role', 'group');
    buttons.setAttribute('aria-label', 'Rate answer ' + (a.slot + 1));
    for (const g of GRADES) {
      const b = document.createElement('button');
      b.className = 'rate';
      b.dataset.grade = g.grade;
      b.textContent = g.grade;
      b.title = g.grade + ': ' + g.title + '. ' + g.text;
      b.setAttribute('aria-pressed', String(a.grade === g.grade));
      b.addEventListener('click', () => rate(item.index, a.slot, g.grade));
      buttons.append(b);
    }
    box.append(h, text, buttons);
    list.append(box);
  }
  $('prev').disabled = item.index === 0;
  $('next').disabled = item.index + 1 >= session.items;
  showProgress(item.progress);
  document.body.dataset.ready = 'true';
}

async function open(index) {
  document.body.dataset.ready = 'false';
  $('error').textContent = '';
  // The first visit to an instruction may generate its answers: say so instead of showing the last item's.
  $('answers').textContent = 'Preparing the answers…';
  try {
    draw(await call('/api/items/' + index));
  } catch (e) {
    $('error').textContent = String(e.message || e);
  }
}

async function rate(index, slot, grade) {
  $('error').textContent = '';
  try {
    draw(await call('/api/items/' + index + '/rate', { slot, grade }));
  } catch (e) {
    $('error').textContent = String(e.message || e);
  }
}

function go(index) {
  location.hash = '#item-' + (index + 1);
}

window.addEventListener('hashchange', () => {
  const i = indexFromHash();
  if (i !== null && i >= 0 && i < session.items && (current === null || i !== current.index)) open(i);
});

async function start() {
  try {
    session = await call('/api/session');
  } catch (e) {
    $('error').textContent = String(e.message || e);
    return;
  }
  $('rater').textContent = 'Rater: ' + session.rater;
  const legend = $('legend');
  for (const g of GRADES) {
    const dt = document.createElement('dt');
    dt.textContent = g.grade;
    const dd = document.createElement('dd');
    dd.textContent = g.title + ': ' + g.text;
    legend.append(dt, dd);
  }
  $('prev').addEventListener('click', () => go(current.index - 1));
  $('next').addEventListener('click', () => go(current.index + 1));
  const i = indexFromHash();
  open(i !== null && i >= 0 && i < session.items ? i : session.start);
}
start();
`;

export function ratePage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>lamini rate</title>
<style>${STYLE}</style>
</head>
<body data-ready="false">
<header><h1>Rate the answers</h1><span id="rater"></span></header>
<p id="progress" aria-live="polite"></p>
<p id="error" role="alert"></p>
<section class="instruction">
  <h2 id="position"></h2>
  <div id="instruction-text"></div>
  <div id="input-block" hidden><h3>Input</h3><div id="input-text"></div></div>
</section>
<div id="answers"></div>
<nav><button id="prev" type="button">Previous</button> <button id="next" type="button">Next</button></nav>
<h2>Grades</h2>
<dl class="legend" id="legend"></dl>
<script>${SCRIPT}</script>
</body>
</html>
`;
}

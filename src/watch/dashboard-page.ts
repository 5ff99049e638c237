/**
 * The dashboard page: one HTML document with its CSS and script inline (no CDN, no build step,
 * one request). The script opens the SSE feed next to the page and redraws from each state; all
 * text from the server goes in through `textContent`, never as HTML.
 */
export function dashboardPage(path: string): string {
  const feed = JSON.stringify(`${path}/events`).replace(/</g, "\\u003c");
  return PAGE.replace("__FEED__", () => feed);
}

const STYLE = `
:root { --bg: #0f1419; --panel: #182028; --line: #2a3642; --text: #d8e0e8; --dim: #8a98a6; --warn: #ffb454; --bad: #ff6b6b; --ok: #7bd88f; --accent: #59c2ff; }
* { box-sizing: border-box; }
body { margin: 0; font: 13px/1.45 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background: var(--bg); color: var(--text); }
header { display: flex; gap: 16px; align-items: baseline; padding: 10px 16px; border-bottom: 1px solid var(--line); }
header h1 { font-size: 15px; margin: 0; }
.pill { padding: 1px 8px; border-radius: 9px; background: var(--line); color: var(--dim); }
.pill.live { background: #1d3b2a; color: var(--ok); }
.pill.down { background: #3b1d1d; color: var(--bad); }
main { display: grid; grid-template-columns: repeat(auto-fit, minmax(560px, 1fr)); gap: 12px; padding: 12px; }
section { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; min-width: 0; }
section h2 { font-size: 13px; margin: 0 0 8px; color: var(--accent); font-weight: 600; }
table { width: 100%; border-collapse: collapse; }
th, td { text-align: left; padding: 3px 6px; border-bottom: 1px solid var(--line); white-space: nowrap; overflow: hidden; text-overflow: ellipsis; max-width: 320px; }
th { color: var(--dim); font-weight: normal; }
td.num, th.num { text-align: right; }
.empty { color: var(--dim); }
canvas { width: 100%; height: 170px; display: block; }
.legend span { margin-right: 14px; }
.block { border-left: 3px solid var(--bad); padding: 4px 8px; margin: 6px 0; background: #1f1a1d; }
.block.open-ended { border-left-color: var(--warn); }
.block .line { white-space: pre-wrap; word-break: break-word; }
.block .when { color: var(--dim); }
details summary { cursor: pointer; color: var(--dim); }
.frames { margin: 4px 0 0; padding-left: 18px; color: var(--dim); }
.frames li:first-child { color: var(--text); }
.profile { margin: 8px 0; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
.hint { color: var(--warn); }
.bar-row { display: flex; align-items: center; gap: 8px; height: 16px; }
.bar-label { width: 260px; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; color: var(--dim); }
.bar-track { position: relative; flex: 1; height: 10px; background: #111820; }
.bar { position: absolute; top: 0; height: 10px; background: var(--accent); }
.warn { color: var(--warn); }
.bad { color: var(--bad); }
`;

const SCRIPT = `
(function () {
  "use strict";
  var feed = __FEED__;
  var byId = function (id) { return document.getElementById(id); };
  var blocks = [];
  var seenBlocks = {};

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (cls) node.className = cls;
    return node;
  }
  function ms(value) {
    if (value === undefined || value === null) return "";
    return value >= 1000 ? (value / 1000).toFixed(2) + " s" : (Math.round(value * 10) / 10) + " ms";
  }
  function table(target, headers, rows, numeric) {
    target.textContent = "";
    if (rows.length === 0) { target.appendChild(el("p", "none", "empty")); return; }
    var t = el("table");
    var head = el("tr");
    headers.forEach(function (h, i) { head.appendChild(el("th", h, numeric[i] ? "num" : "")); });
    t.appendChild(head);
    rows.forEach(function (row) {
      var tr = el("tr");
      row.forEach(function (cell, i) {
        var td = el("td", cell, numeric[i] ? "num" : "");
        td.title = String(cell);
        tr.appendChild(td);
      });
      t.appendChild(tr);
    });
    target.appendChild(t);
  }

  function drawChart(history) {
    var canvas = byId("loop-chart");
    var ratio = window.devicePixelRatio || 1;
    var width = canvas.clientWidth, height = canvas.clientHeight;
    canvas.width = width * ratio; canvas.height = height * ratio;
    var g = canvas.getContext("2d");
    g.scale(ratio, ratio);
    g.clearRect(0, 0, width, height);
    var top = 1;
    history.forEach(function (s) { top = Math.max(top, s.max, s.p99); });
    top = top * 1.15;
    var left = 44, bottom = height - 16;
    g.strokeStyle = "#2a3642"; g.fillStyle = "#8a98a6"; g.font = "11px monospace"; g.lineWidth = 1;
    for (var i = 0; i <= 4; i++) {
      var y = bottom - (bottom - 4) * i / 4;
      g.beginPath(); g.moveTo(left, y); g.lineTo(width, y); g.stroke();
      g.fillText(ms(top * i / 4).replace(" ", ""), 2, y + 4);
    }
    var slots = 120;
    var x = function (index) { return left + (width - left) * (index + slots - history.length) / (slots - 1); };
    var y = function (value) { return bottom - (bottom - 4) * Math.min(value, top) / top; };
    [["max", "#ff6b6b"], ["p99", "#ffb454"], ["p50", "#59c2ff"]].forEach(function (series) {
      g.strokeStyle = series[1]; g.lineWidth = 1.5; g.beginPath();
      history.forEach(function (s, index) { var px = x(index), py = y(s[series[0]]); if (index === 0) g.moveTo(px, py); else g.lineTo(px, py); });
      g.stroke();
    });
    g.fillStyle = "#8a98a6";
    g.fillText("last " + history.length + " s", width - 70, height - 3);
  }

  function renderBlock(block) {
    var box = el("div", null, "block" + (block.ended ? "" : " open-ended"));
    box.setAttribute("data-block", String(block.blockId));
    box.appendChild(el("div", new Date(block.at).toLocaleTimeString() + (block.ended ? "" : "  (still blocked)"), "when"));
    box.appendChild(el("div", block.line, "line"));
    if (block.frames.length > 0) {
      var details = el("details");
      details.appendChild(el("summary", "stack (" + block.frames.length + " frames)"));
      var list = el("ol", null, "frames");
      block.frames.forEach(function (f) { list.appendChild(el("li", f.fn + "  " + f.at)); });
      details.appendChild(list);
      box.appendChild(details);
    }
    return box;
  }
  function addBlock(block) {
    var index = seenBlocks[block.blockId];
    if (index !== undefined) blocks[index] = block;
    else { seenBlocks[block.blockId] = blocks.length; blocks.push(block); }
    renderBlocks();
  }
  function renderBlocks() {
    var target = byId("blocks");
    target.textContent = "";
    if (blocks.length === 0) { target.appendChild(el("p", "none so far", "empty")); return; }
    blocks.slice().reverse().slice(0, 30).forEach(function (block) { target.appendChild(renderBlock(block)); });
    byId("block-count").textContent = String(blocks.length);
  }

  function renderProfiles(profiles) {
    var target = byId("profiles");
    target.textContent = "";
    if (profiles.length === 0) { target.appendChild(el("p", "no request with outbound calls or sampling yet", "empty")); return; }
    // The latest of each route: one waterfall per route says what its requests look like.
    var seen = {};
    var latest = profiles.filter(function (p) { var key = p.method + " " + p.route; if (seen[key]) return false; seen[key] = true; return true; });
    latest.slice(0, 6).forEach(function (p) {
      var s = p.summary;
      var box = el("div", null, "profile");
      var phases = Object.keys(s.phases).map(function (k) { return k + " " + ms(s.phases[k]); }).join(", ");
      box.appendChild(el("div", p.method + " " + p.url + "  " + p.status + "  " + ms(s.wallMs) + (phases ? "  (" + phases + ")" : "")));
      if (s.onLoopMs !== undefined) box.appendChild(el("div", "on the loop " + ms(s.onLoopMs) + ", waiting " + ms(s.waitingMs)));
      if (s.outbound) {
        box.appendChild(el("div", s.outbound.count + " outbound calls, at most " + s.outbound.maxConcurrency + " at a time, busy " + ms(s.outbound.busyMs)));
        s.outbound.calls.forEach(function (c) {
          var row = el("div", null, "bar-row");
          row.appendChild(el("span", c.method + " " + c.url, "bar-label"));
          var track = el("div", null, "bar-track");
          var bar = el("div", null, "bar");
          var end = c.endMs !== undefined ? c.endMs : (c.headersMs !== undefined ? c.headersMs : s.wallMs);
          bar.style.left = (100 * c.startMs / s.wallMs) + "%";
          bar.style.width = Math.max(0.5, 100 * (end - c.startMs) / s.wallMs) + "%";
          bar.title = ms(c.startMs) + " to " + ms(end);
          track.appendChild(bar);
          row.appendChild(track);
          row.appendChild(el("span", ms(end - c.startMs)));
          box.appendChild(row);
        });
      }
      if (s.hint) box.appendChild(el("div", s.hint.text, "hint"));
      target.appendChild(box);
    });
  }

  function render(state) {
    document.title = state.title + " · loopwise";
    byId("title").textContent = state.title;
    byId("watchdog").textContent = state.watchdog.running ? "watchdog on" : "watchdog off";
    var latest = state.loop.latest;
    byId("loop-now").textContent = "p50 " + ms(latest.p50) + "  p99 " + ms(latest.p99) + "  max " + ms(latest.max) + "  utilization " + Math.round(latest.elu * 100) + "%  lag now " + ms(state.loop.lagMs);
    drawChart(state.loop.history);
    state.blocks.slice().reverse().forEach(function (b) { if (seenBlocks[b.blockId] === undefined) addBlock(b); });
    if (blocks.length === 0) renderBlocks();
    table(byId("inflight"), ["req", "request", "route", "age", "waiting for"], state.inFlight.map(function (r) {
      return [r.id, r.method + " " + r.url, r.route, ms(r.ageMs), r.outbound ? r.outbound.method + " " + r.outbound.url + " (" + ms(r.outbound.waitingMs) + ")" : ""];
    }), [true, false, false, true, false]);
    table(byId("routes"), ["route", "requests", "status", "p50", "p90", "p99", "mean"], state.routes.map(function (r) {
      var statuses = Object.keys(r.byStatus).map(function (k) { return k + "×" + r.byStatus[k]; }).join(" ");
      return [r.method + " " + r.route, r.count, statuses, ms(r.p50), ms(r.p90), ms(r.p99), ms(r.meanMs)];
    }), [false, true, false, true, true, true, true]);
    var pool = state.pool;
    table(byId("pool"), ["size", "threads", "busy", "queued", "wait p99", "run p99", "utilization"], pool ? [[pool.size, pool.threads, pool.busy, pool.queued, ms(pool.waitTime.p99), ms(pool.runTime.p99), Math.round(pool.utilization * 100) + "%"]] : [], [true, true, true, true, true, true, true]);
    renderProfiles(state.profiles);
    byId("updated").textContent = "updated " + new Date(state.now).toLocaleTimeString();
  }

  function connect() {
    var status = byId("status");
    var source = new EventSource(feed);
    source.addEventListener("open", function () { status.textContent = "live"; status.className = "pill live"; });
    source.addEventListener("error", function () { status.textContent = "reconnecting"; status.className = "pill down"; });
    source.addEventListener("state", function (event) { render(JSON.parse(event.data)); });
    source.addEventListener("block", function (event) { addBlock(JSON.parse(event.data)); });
  }
  connect();
})();
`;

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>loopwise</title>
<style>${STYLE}</style>
</head>
<body>
<header>
  <h1 id="title">loopwise</h1>
  <span id="status" class="pill">connecting</span>
  <span id="watchdog" class="pill"></span>
  <span id="updated" class="empty"></span>
</header>
<main>
  <section>
    <h2>Event-loop delay</h2>
    <canvas id="loop-chart" aria-label="event-loop delay over time"></canvas>
    <div class="legend"><span style="color:#59c2ff">p50</span><span style="color:#ffb454">p99</span><span style="color:#ff6b6b">max</span><span id="loop-now"></span></div>
  </section>
  <section>
    <h2>Blocks (<span id="block-count">0</span>)</h2>
    <div id="blocks"></div>
  </section>
  <section>
    <h2>In flight</h2>
    <div id="inflight"></div>
  </section>
  <section>
    <h2>Routes</h2>
    <div id="routes"></div>
  </section>
  <section>
    <h2>Thread pool</h2>
    <div id="pool"></div>
  </section>
  <section>
    <h2>Request profiles</h2>
    <div id="profiles"></div>
  </section>
</main>
<script>${SCRIPT}</script>
</body>
</html>
`;

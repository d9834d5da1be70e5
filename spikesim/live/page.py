"""The live view's page: one self-contained HTML document (no CDN, works offline).

It polls ``/meta`` once (populations: label, first id, size) and ``/data?cursor=N``
every ``POLL_MS`` ms, keeps the spikes of the last ``window`` ms, and draws on two
canvases: a raster (time x neuron id, one colour per population) and each
population's rate (spikes/s per neuron in bins of ``bin`` ms, the bins of the
window).  The element ``#n-spikes`` holds the number of spikes received, ``#t-sim``
the simulated time (ms): a headless browser test reads them.
"""

from __future__ import annotations

POLL_MS = 250

PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>spikesim live</title>
<style>
body { font: 14px sans-serif; margin: 12px; background: #fff; color: #222; }
canvas { display: block; border: 1px solid #ccc; margin-top: 6px; }
#legend span { margin-right: 14px; }
.err { color: #b00; }
</style></head>
<body>
<div><b>spikesim live</b> &mdash; t = <span id="t-sim">0</span> ms,
spikes received: <span id="n-spikes">0</span> <span id="status"></span></div>
<div id="legend"></div>
<canvas id="raster" width="900" height="360"></canvas>
<canvas id="rate" width="900" height="160"></canvas>
<script>
"use strict";
const POLL = __POLL__;
let WINDOW = 1000.0, BIN = 5.0, pops = [], nMax = 1;
let times = [], senders = [], cursor = 0, tNow = 0;
const colours = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2"];
function popOf(id) {
  for (let i = 0; i < pops.length; i++) {
    if (id >= pops[i].first && id < pops[i].first + pops[i].n) return i;
  }
  return -1;
}
function drawRaster() {
  const c = document.getElementById("raster"), g = c.getContext("2d");
  g.clearRect(0, 0, c.width, c.height);
  const t0 = tNow - WINDOW;
  for (let k = 0; k < times.length; k++) {
    const x = (times[k] - t0) / WINDOW * c.width;
    const y = c.height - senders[k] / nMax * c.height;
    const p = popOf(senders[k]);
    g.fillStyle = p < 0 ? "#555" : colours[p % colours.length];
    g.fillRect(x, y, 1.5, 1.5);
  }
  g.fillStyle = "#222";
  g.fillText((t0 > 0 ? t0 : 0).toFixed(0) + " ms", 4, c.height - 4);
  g.fillText(tNow.toFixed(0) + " ms", c.width - 60, c.height - 4);
}
function drawRates() {
  const c = document.getElementById("rate"), g = c.getContext("2d");
  g.clearRect(0, 0, c.width, c.height);
  const nb = Math.max(1, Math.round(WINDOW / BIN)), t0 = tNow - WINDOW;
  const counts = pops.map(() => new Float64Array(nb));
  for (let k = 0; k < times.length; k++) {
    const b = Math.floor((times[k] - t0) / BIN), p = popOf(senders[k]);
    if (p >= 0 && b >= 0 && b < nb) counts[p][b] += 1;
  }
  let top = 1;
  const rates = counts.map((cs, p) => Array.from(cs, v => v / pops[p].n / BIN * 1000.0));
  rates.forEach(r => r.forEach(v => { if (v > top) top = v; }));
  rates.forEach((r, p) => {
    g.strokeStyle = colours[p % colours.length];
    g.beginPath();
    r.forEach((v, b) => {
      const x = (b + 0.5) / nb * c.width, y = c.height - v / top * (c.height - 14);
      if (b === 0) g.moveTo(x, y); else g.lineTo(x, y);
    });
    g.stroke();
  });
  g.fillStyle = "#222";
  g.fillText("rate (spikes/s per neuron), max " + top.toFixed(1), 4, 12);
}
async function poll() {
  try {
    const r = await fetch("/data?cursor=" + cursor);
    const d = await r.json();
    cursor = d.cursor;
    for (let k = 0; k < d.times.length; k++) { times.push(d.times[k]); senders.push(d.senders[k]); }
    tNow = Math.max(tNow, d.time);
    let drop = 0;
    while (drop < times.length && times[drop] < tNow - WINDOW) drop++;
    if (drop) { times = times.slice(drop); senders = senders.slice(drop); }
    document.getElementById("n-spikes").textContent = d.total;
    document.getElementById("t-sim").textContent = tNow.toFixed(1);
    const st = document.getElementById("status");
    st.textContent = d.error ? "(stream stopped: " + d.error + ")" : (d.ended ? "(run ended)" : "");
    st.className = d.error ? "err" : "";
    drawRaster(); drawRates();
  } catch (e) {
    document.getElementById("status").textContent = "(server gone)";
  }
  setTimeout(poll, POLL);
}
async function start() {
  const m = await (await fetch("/meta")).json();
  pops = m.populations; WINDOW = m.window; BIN = m.bin;
  nMax = Math.max(1, ...pops.map(p => p.first + p.n));
  document.getElementById("legend").innerHTML = pops.map((p, i) =>
    '<span style="color:' + colours[i % colours.length] + '">&#9632; ' + p.label + " (" + p.n + ")</span>").join("");
  poll();
}
start();
</script></body></html>
""".replace("__POLL__", str(POLL_MS))

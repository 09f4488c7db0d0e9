// The run page's live charts: an EventSource on the run's metrics stream (one `metric` event
// per metrics.jsonl line, then `end`), drawn with uPlot (static/uPlot.iife.min.js, MIT). A
// metric goes into the first chart whose test its name passes; each chart is made when its
// first metric arrives (and again when a new one joins it), so an RM run and a DPO run each
// get the charts they log. Each chart's data-points says how many values it draws.
"use strict";

(() => {
  const root = document.getElementById("charts");
  if (!root || !window.uPlot || !window.EventSource) return;

  const GROUPS = [
    { id: "loss", title: "Loss", test: (k) => /(^|_)loss$/.test(k) },
    // reward accuracy (DPO's rewards/accuracies, an RM's accuracy and AUC), not token accuracy
    { id: "accuracy", title: "Reward accuracy and AUC",
      test: (k) => /^(eval_)?(pair_)?(rewards\/accuracies|accuracy|auc)$/.test(k) },
    { id: "margins", title: "Reward margin", test: (k) => /margin/.test(k) },
    { id: "rewards", title: "Rewards", test: (k) => /rewards\/(chosen|rejected)$/.test(k) },
  ];
  const COLORS = ["#2f5bd3", "#d3542f", "#1e7b34", "#8a3fc7", "#b38a00", "#00838f"];
  const STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000];
  const rows = new Map(); // step -> {metric: value}
  const charts = new Map(); // group id -> {plot, keys, box}
  let count = 0;

  const groupOf = (key) => GROUPS.find((g) => g.test(key));

  function columns(keys) {
    const steps = [...rows.keys()].sort((a, b) => a - b);
    return [steps, ...keys.map((k) => steps.map((s) => (k in rows.get(s) ? rows.get(s)[k] : null)))];
  }

  function box(group) {
    let el = document.getElementById(`chart-${group.id}`);
    if (!el) {
      el = document.createElement("figure");
      el.id = `chart-${group.id}`;
      el.className = "chart";
      const caption = document.createElement("figcaption");
      caption.textContent = group.title;
      el.append(caption);
      root.append(el);
    }
    return el;
  }

  function draw(group, keys) {
    const el = box(group);
    const old = charts.get(group.id);
    if (old) old.plot.destroy();
    const width = Math.max(280, Math.floor(root.clientWidth / 2) - 24);
    const opts = {
      width, height: 220,
      scales: { x: { time: false } },
      axes: [{ label: "step", incrs: STEPS }, {}], // whole steps on the x axis
      series: [{ label: "step" }, ...keys.map((k, i) => ({
        label: k, stroke: COLORS[i % COLORS.length], width: 2, spanGaps: true,
        points: { show: true, size: 5 },
      }))],
    };
    charts.set(group.id, { plot: new uPlot(opts, columns(keys), el), keys });
  }

  function refresh() {
    for (const group of GROUPS) {
      const chart = charts.get(group.id);
      if (!chart) continue;
      const data = columns(chart.keys);
      chart.plot.setData(data);
      const points = data.slice(1).reduce((n, ys) => n + ys.filter((y) => y !== null).length, 0);
      box(group).dataset.points = String(points);
    }
    const shown = document.getElementById("metric-count");
    if (shown) shown.textContent = `${count} record${count === 1 ? "" : "s"}`;
  }

  function add(record) {
    const step = Number(record.step);
    if (!Number.isFinite(step)) return;
    const row = rows.get(step) || {};
    rows.set(step, row);
    for (const [key, value] of Object.entries(record)) {
      const group = typeof value === "number" ? groupOf(key) : undefined;
      if (!group) continue;
      row[key] = value;
      const chart = charts.get(group.id);
      if (!chart || !chart.keys.includes(key)) draw(group, [...(chart ? chart.keys : []), key]);
    }
    count += 1;
  }

  // the log's tail is what a user watches: keep its box scrolled to the end, after each poll
  const toEnd = () => {
    const log = document.getElementById("log");
    if (log) log.scrollTop = log.scrollHeight;
  };
  toEnd();
  document.addEventListener("htmx:afterSwap", toEnd);

  let pending = false; // a burst of events (a finished run replays all) redraws once
  const stream = new EventSource(root.dataset.stream);
  stream.addEventListener("metric", (event) => {
    add(JSON.parse(event.data));
    if (!pending) {
      pending = true;
      requestAnimationFrame(() => { pending = false; refresh(); });
    }
  });
  stream.addEventListener("end", (event) => {
    stream.close(); // the job is done: no reconnect
    refresh();
    root.dataset.ended = JSON.parse(event.data).status;
  });
})();

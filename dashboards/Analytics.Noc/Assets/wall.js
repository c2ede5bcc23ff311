// The NOC wall: renders /api/snapshot, then every snapshot the server pushes on /api/events.
// Plain JS, no build step; charts are uPlot (vendored). Tiles carry raw values in data-* for tests.
"use strict";

const colours = { ok: "#73bf69", warn: "#fade2a", crit: "#f2495c", blue: "#5794f2", purple: "#b877d9", orange: "#ff9830" };
const percent = v => (v * 100).toFixed(v < 0.001 ? 3 : 2) + " %";
const count = v => Math.round(v).toLocaleString("en-US");
const format = { ratio: percent, ms: v => Math.round(v).toLocaleString("en-US") + " ms", count };
const clock = s => new Date(s * 1000).toISOString().slice(11, 19);

function show(value, unit) {
  return value === null || value === undefined ? "–" : (format[unit] || String)(value);
}

function renderTiles(snapshot) {
  const root = document.getElementById("tiles");
  root.replaceChildren(...snapshot.tiles.map(t => {
    const tile = document.createElement("div");
    tile.className = "tile";
    tile.dataset.metric = t.metric;
    tile.dataset.value = t.value === null ? "" : String(t.value);
    tile.dataset.window = String(t.window_start);
    tile.dataset.status = t.status;
    tile.innerHTML = `<div class="label"></div><div class="value"></div>`;
    tile.querySelector(".label").textContent = t.label;
    tile.querySelector(".value").textContent = show(t.value, t.unit);
    return tile;
  }));
  const w = snapshot.window;
  document.getElementById("window").textContent = w
    ? `10 s window ${clock(w.start)}–${clock(w.start + w.seconds)} UTC · ${w.final ? "final" : w.basis === "closed" ? "closed, late beacons may still correct it" : w.basis}`
    : "waiting for the first 10 s window…";
}

// One uPlot per chart, created on the first snapshot and fed with setData afterwards.
// The x axis always spans the whole history (an hour by default), so the first points do not stretch over it.
// Times are UTC, as in the header. A series with `right: true` gets its own scale and axis on the right.
const charts = {}, xRanges = {};
const hhmm = s => new Date(s * 1000).toISOString().slice(11, 16);
const axis = { stroke: "#8e9193", grid: { stroke: "#2c3235" }, ticks: { stroke: "#2c3235" } };
// A flat series would otherwise get uPlot's default 0-100 range: 10 000 % for a ratio.
const yRange = floor => (u, min, max) => [Math.min(0, min ?? 0), Math.max((max ?? 0) * 1.1, floor)];
function chart(id, series, data, axisFormat, xRange, yFloor = 1) {
  const el = document.getElementById(id);
  xRanges[id] = xRange;
  if (!charts[id]) {
    const right = series.find(s => s.right);
    charts[id] = new uPlot({
      width: Math.max(200, el.clientWidth), height: el.classList.contains("small") ? 140 : 180,
      series: [
        { value: (u, v) => v === null ? "–" : clock(v) },
        ...series.map(s => ({
          label: s.label, stroke: s.colour, width: 2, spanGaps: false, scale: s.right ? "right" : "y",
          value: (u, v) => v === null ? "–" : (s.format || axisFormat)(v),
        })),
      ],
      axes: [
        { ...axis, values: (u, splits) => splits.map(hhmm) },
        { ...axis, size: 80, values: (u, vals) => vals.map(axisFormat) },
        ...(right ? [{ ...axis, scale: "right", side: 1, size: 80, grid: { show: false }, values: (u, vals) => vals.map(right.format || axisFormat) }] : []),
      ],
      scales: {
        x: { time: true, range: (u, min, max) => xRanges[id] || [min, max] },
        y: { range: yRange(yFloor) },
        right: { range: yRange(1) },
      },
      legend: { live: true },
    }, data, el);
  } else {
    charts[id].setData(data);
  }
}

const duration = v => v >= 1000 ? (v / 1000).toFixed(v >= 10000 ? 0 : 1) + " s" : Math.round(v) + " ms";

function renderCharts(snapshot) {
  const s = snapshot.series, v = s.values;
  const t = s.time;
  const val = name => v[name] || t.map(() => null);
  const length = snapshot.series_seconds;
  const end = snapshot.window ? snapshot.window.start + snapshot.window.seconds : Date.now() / 1000;
  const qoe = [end - length, end];
  chart("chart-volume", [{ label: "plays", colour: colours.blue }, { label: "concurrent (right)", colour: colours.purple, right: true }], [t, val("plays"), val("concurrent_plays")], count, qoe);
  chart("chart-starts", [{ label: "VSF", colour: colours.crit }, { label: "EBVS", colour: colours.orange }], [t, val("vsf_rate"), val("ebvs_rate")], percent, qoe, 0.01);
  chart("chart-vst", [{ label: "p95", colour: colours.warn }], [t, val("start_time_p95_ms")], duration, qoe);
  chart("chart-playback", [{ label: "rebuffering", colour: colours.orange }, { label: "VPF", colour: colours.crit }], [t, val("rebuffering_ratio"), val("vpf_rate")], percent, qoe, 0.01);
  const p = snapshot.pipeline;
  document.getElementById("chart-pipeline").hidden = !p.has_data;
  if (p.has_data) {
    const last = Date.parse(p.at) / 1000;
    chart("chart-pipeline", [{ label: "events/s", colour: colours.ok }, { label: "lag (right)", colour: colours.orange, right: true }],
      [p.series.time, p.series.events_per_second, p.series.consumer_lag], count, [last - length, last]);
  }
}

function age(seconds) {
  if (seconds < 120) return seconds + " s";
  if (seconds < 7200) return Math.floor(seconds / 60) + " min";
  return Math.floor(seconds / 3600) + " h";
}

function renderIncidents(snapshot) {
  const inc = snapshot.incidents;
  const body = document.querySelector("#incidents tbody");
  body.replaceChildren(...inc.open.map(i => {
    const row = document.createElement("tr");
    row.dataset.incident = i.id;
    row.dataset.severity = i.severity;
    for (const text of [i.severity, i.title, i.slice, i.culprit || "–", i.status, age(i.age_seconds)]) {
      const cell = document.createElement("td");
      cell.textContent = text;
      row.appendChild(cell);
    }
    row.cells[0].innerHTML = `<span class="sev"></span>`;
    row.cells[0].firstChild.textContent = i.severity;
    row.cells[0].firstChild.dataset.severity = i.severity;
    return row;
  }));
  document.getElementById("no-incidents").hidden = inc.open.length > 0;
  document.getElementById("incident-counts").replaceChildren(...Object.entries(inc.open_by_severity).map(([sev, n]) => {
    const span = document.createElement("span");
    span.className = "count";
    span.dataset.severity = sev;
    span.dataset.open = String(n);
    span.textContent = `${sev}: ${n}`;
    return span;
  }));
}

const figures = [
  ["events_per_second", "events/s", count], ["consumer_lag", "consumer lag", count],
  ["dead_letters", "dead letters (1 h)", count], ["late_beacons", "late (1 h)", count],
  ["orphan_beacons", "orphans (1 h)", count], ["duplicate_beacons", "duplicates (1 h)", count],
  ["open_sessions", "open sessions", count], ["watermark_delay_seconds", "watermark delay", v => v.toFixed(1) + " s"],
  ["checkpoint_age_seconds", "checkpoint age", v => v.toFixed(0) + " s"], ["sink_insert_p50_ms", "insert p50", v => v.toFixed(0) + " ms"],
  ["sink_insert_max_ms", "insert max", v => v.toFixed(0) + " ms"], ["sink_rows_per_second", "rows/s", count],
];

function renderPipeline(snapshot) {
  const p = snapshot.pipeline;
  document.getElementById("pipeline-empty").hidden = p.has_data;
  document.getElementById("pipeline-at").textContent = p.at ? `at ${p.at.slice(11, 19)} UTC · ${p.consumer_group}` : "";
  document.getElementById("pipeline-figures").replaceChildren(...(p.has_data ? figures : []).map(([key, name, fmt]) => {
    const div = document.createElement("div");
    div.className = "figure";
    div.dataset.figure = key;
    const value = p.figures[key];
    div.dataset.value = value === undefined ? "" : String(value);
    div.innerHTML = `<div class="name"></div><div class="num"></div>`;
    div.querySelector(".name").textContent = name;
    div.querySelector(".num").textContent = value === undefined ? "–" : fmt(value);
    return div;
  }));
  const g = p.progress;
  document.getElementById("progress").textContent = g
    ? `${g.partitions_reporting}/${g.topic_partitions} partitions reporting · closed through ${g.closed_through ? g.closed_through.slice(11, 19) : "–"} · final through ${g.final_through ? g.final_through.slice(11, 19) : "–"} UTC`
    : "No window progress recorded yet.";
}

function render(snapshot) {
  renderTiles(snapshot);
  renderCharts(snapshot);
  renderIncidents(snapshot);
  renderPipeline(snapshot);
  document.body.dataset.rendered = snapshot.generated_at;
}

function setStatus(state, text) {
  const el = document.getElementById("status");
  el.dataset.state = state;
  el.textContent = text;
}

function connect() {
  const events = new EventSource("api/events");
  events.onmessage = e => {
    render(JSON.parse(e.data));
    document.body.dataset.updates = String(Number(document.body.dataset.updates || 0) + 1);
    setStatus("live", "live · " + new Date().toISOString().slice(11, 19) + " UTC");
  };
  events.addEventListener("problem", e => setStatus("problem", JSON.parse(e.data).error));
  events.onerror = () => setStatus("stale", "reconnecting…");
}

window.addEventListener("resize", () => {
  for (const [id, c] of Object.entries(charts)) {
    const el = document.getElementById(id);
    c.setSize({ width: Math.max(200, el.clientWidth), height: c.height });
  }
});

fetch("api/snapshot").then(r => r.ok ? r.json() : Promise.reject(r.statusText)).then(render).catch(() => setStatus("stale", "no snapshot yet"));
connect();

/* The community-health dashboard's charts (/reports/health), drawn with the vendored Chart.js and
   its matrix plugin from the page's <script type="application/json" id="health-data"> block, whose
   labels are already in the reader's language. Also: editing a date in the period picker picks
   "Custom dates". */
(function () {
  "use strict";

  var picker = document.querySelector("select[data-period]");
  if (picker) {
    document.querySelectorAll("input[data-custom-date]").forEach(function (input) {
      input.addEventListener("change", function () { picker.value = "custom"; });
    });
  }

  var block = document.getElementById("health-data");
  if (!block || typeof window.Chart === "undefined") { return; }
  var data = JSON.parse(block.textContent);
  var L = data.labels;
  var Chart = window.Chart;
  var css = getComputedStyle(document.documentElement);
  var color = function (name, fallback) { return (css.getPropertyValue(name) || "").trim() || fallback; };
  var brand = color("--brand", "#3b5bdb"), green = color("--green", "#1f9d55"),
      amber = color("--amber", "#b7791f"), muted = color("--muted", "#6b7585"), grid = color("--border", "#e3e6eb");
  var locale = data.locale === "zh" ? "zh-CN" : "en";
  var nf = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 });

  Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = muted;
  Chart.defaults.borderColor = grid;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.responsive = true;
  Chart.defaults.plugins.legend.labels.boxWidth = 12;
  Chart.defaults.locale = locale;

  function alpha(hex, a) {
    var m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
    return m ? "rgba(" + parseInt(m[1], 16) + "," + parseInt(m[2], 16) + "," + parseInt(m[3], 16) + "," + a + ")" : hex;
  }

  function empty(canvas) {
    var p = document.createElement("p");
    p.className = "hd-empty";
    p.textContent = L.no_data;
    canvas.parentNode.replaceChild(p, canvas);
  }

  function draw(id, hasData, config) {
    var canvas = document.getElementById(id);
    if (!canvas) { return; }
    if (!hasData) { empty(canvas); return; }
    new Chart(canvas, config);
  }

  function any(values) { return (values || []).some(function (v) { return v !== null && v !== undefined; }); }
  function shortDay(d) { return d.slice(5); }

  // Activity per day: active members (area) with questions and answers.
  var act = data.activity;
  draw("hd-activity", act.days.length > 0, {
    type: "line",
    data: {
      labels: act.days.map(shortDay),
      datasets: [
        { label: L.active_members, data: act.active_members, borderColor: brand, backgroundColor: alpha(brand, 0.12),
          fill: "origin", tension: 0.25, pointRadius: 0, borderWidth: 2 },
        { label: L.questions, data: act.questions, borderColor: amber, backgroundColor: amber, tension: 0.25,
          pointRadius: 0, borderWidth: 2 },
        { label: L.answers, data: act.answers, borderColor: green, backgroundColor: green, tension: 0.25,
          pointRadius: 0, borderWidth: 2 }
      ]
    },
    options: {
      interaction: { mode: "index", intersect: false },
      scales: { x: { ticks: { maxTicksLimit: 8, maxRotation: 0 } }, y: { beginAtZero: true, ticks: { precision: 0 } } }
    }
  });

  // Response and solved rates per week, in per cent.
  var rates = data.rates;
  var pct = function (v) { return nf.format(v) + "%"; };
  draw("hd-rates", any(rates.response_rate_24h) || any(rates.solved_rate), {
    type: "line",
    data: {
      labels: rates.weeks.map(shortDay),
      datasets: [
        { label: L.response_rate_24h, data: rates.response_rate_24h, borderColor: brand, backgroundColor: brand,
          spanGaps: true, tension: 0.2 },
        { label: L.solved_rate, data: rates.solved_rate, borderColor: green, backgroundColor: green,
          spanGaps: true, tension: 0.2 }
      ]
    },
    options: {
      interaction: { mode: "index", intersect: false },
      scales: { x: { ticks: { maxRotation: 0, autoSkip: true } },
                y: { min: 0, max: 100, ticks: { callback: pct } } },
      plugins: { tooltip: { callbacks: { label: function (c) { return c.dataset.label + ": " + (c.raw === null ? "—" : pct(c.raw)); } } } }
    }
  });

  // NPS per month with its margin of error as a band (the low line filled up to the high line).
  var nps = data.nps;
  draw("hd-nps", any(nps.nps), {
    type: "line",
    data: {
      labels: nps.months,
      datasets: [
        { label: L.margin, data: nps.high, borderWidth: 0, pointRadius: 0, backgroundColor: alpha(brand, 0.15),
          fill: "+1", spanGaps: true },
        { label: "_low", data: nps.low, borderWidth: 0, pointRadius: 0, fill: false, spanGaps: true },
        { label: L.nps, data: nps.nps, borderColor: brand, backgroundColor: brand, borderWidth: 2, spanGaps: true,
          tension: 0.2 }
      ]
    },
    options: {
      interaction: { mode: "index", intersect: false },
      scales: { y: { suggestedMin: -20, suggestedMax: 60 } },
      plugins: {
        legend: { labels: { filter: function (item) { return item.text !== "_low"; } } },
        tooltip: {
          filter: function (item) { return item.datasetIndex === 2; },
          callbacks: {
            label: function (c) {
              var i = c.dataIndex, low = nps.low[i], high = nps.high[i];
              var text = L.nps + ": " + (c.raw === null ? "—" : nf.format(c.raw));
              if (low !== null && high !== null) { text += " (" + nf.format(low) + " … " + nf.format(high) + ")"; }
              if (nps.responses[i] !== null) { text += " · " + nps.responses[i] + " " + L.responses; }
              return text;
            }
          }
        }
      }
    }
  });

  // The idea funnel: horizontal bars, one per stage.
  var funnel = data.funnel;
  draw("hd-funnel", funnel.counts.some(function (v) { return v > 0; }), {
    type: "bar",
    data: { labels: funnel.stages,
            datasets: [{ label: L.ideas, data: funnel.counts, backgroundColor: alpha(brand, 0.8), borderRadius: 4 }] },
    options: { indexAxis: "y", plugins: { legend: { display: false } },
               scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } }
  });

  // Cohort retention: one row per sign-up week, one column per week after, shaded by the share retained.
  var coh = data.cohorts;
  var cells = [];
  var weeks = 0;
  coh.retained.forEach(function (row, y) {
    weeks = Math.max(weeks, row.length);
    row.forEach(function (v, x) { if (v !== null) { cells.push({ x: x, y: y, v: v }); } });
  });
  var integerTicks = function (n) {
    return function (axis) { axis.ticks = []; for (var i = 0; i < n; i++) { axis.ticks.push({ value: i }); } };
  };
  var weekName = function (n) { return L.week.replace("%(n)s", n); };
  draw("hd-cohorts", cells.length > 0, {
    type: "matrix",
    data: {
      datasets: [{
        label: L.retained,
        data: cells,
        backgroundColor: function (c) { var v = c.raw ? c.raw.v : 0; return alpha(brand, Math.max(0.06, v / 100)); },
        borderColor: "#fff", borderWidth: 1,
        width: function (c) { var a = c.chart.chartArea; return a ? a.width / Math.max(weeks, 1) - 1 : 10; },
        height: function (c) { var a = c.chart.chartArea; return a ? a.height / Math.max(coh.cohorts.length, 1) - 1 : 10; }
      }]
    },
    options: {
      plugins: {
        legend: { display: false },
        tooltip: { callbacks: {
          title: function (items) { var r = items[0].raw; return coh.cohorts[r.y] + " · " + weekName(r.x); },
          label: function (c) { return nf.format(c.raw.v) + "% " + L.retained + " (" + coh.sizes[c.raw.y] + " " + L.members + ")"; }
        } }
      },
      scales: {
        x: { type: "linear", offset: false, min: -0.5, max: weeks - 0.5, grid: { display: false },
             title: { display: true, text: L.weeks_after }, afterBuildTicks: integerTicks(weeks),
             ticks: { autoSkip: true, maxRotation: 0, callback: function (v) { return v; } } },
        y: { type: "linear", reverse: true, offset: false, min: -0.5, max: coh.cohorts.length - 0.5, grid: { display: false },
             title: { display: true, text: L.cohort }, afterBuildTicks: integerTicks(coh.cohorts.length),
             ticks: { autoSkip: true, callback: function (v) { return coh.cohorts[v] ? coh.cohorts[v].slice(5) : ""; } } }
      }
    }
  });
}());

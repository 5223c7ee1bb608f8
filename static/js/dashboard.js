/* The 月调度 dashboard: draws its two charts with the vendored Chart.js from
 * the data the page passes in <script id="dashboard-data"
 * type="application/json">, and switches period or policy as soon as one
 * is picked.
 * Without this file (or without Chart.js) the page keeps its tables. */
(function () {
  "use strict";

  var FONT = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", ' +
    '"WenQuanYi Micro Hei", sans-serif';
  // The same colours as the .dash-swatch-* rules in portal.css.
  var STATE_COLOURS = {
    draft: "#cbd2d9",
    pending_signoff: "#b8c6d9",
    submitted: "#7b93b5",
    returned: "#dd6b20",
    approved: "#38a169"
  };

  function autoSubmitPeriod() {
    var form = document.getElementById("dash-period-form");
    if (!form) { return; }
    var button = form.querySelector("button");
    if (button) { button.hidden = true; }
    form.querySelectorAll("select").forEach(function (select) {
      select.addEventListener("change", function () { form.submit(); });
    });
  }

  function readData() {
    var node = document.getElementById("dashboard-data");
    return node ? JSON.parse(node.textContent) : null;
  }

  function reveal(name) {
    var figure = document.querySelector('[data-chart="' + name + '"]');
    if (!figure) { return null; }
    var box = figure.querySelector(".dash-chart");
    box.hidden = false;
    figure.classList.add("dash-figure-drawn");
    return box.querySelector("canvas");
  }

  function drawStates(states) {
    var shown = states.filter(function (s) { return s.value > 0; });
    if (!shown.length) { return; }
    var canvas = reveal("states");
    if (!canvas) { return; }
    new window.Chart(canvas, {
      type: "doughnut",
      data: {
        labels: shown.map(function (s) { return s.label; }),
        datasets: [{
          data: shown.map(function (s) { return s.value; }),
          backgroundColor: shown.map(function (s) {
            return STATE_COLOURS[s.key] || "#9aa5b1";
          }),
          borderColor: "#fff",
          borderWidth: 2
        }]
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        cutout: "62%",
        plugins: { legend: { display: false } }
      }
    });
  }

  function drawMonths(months, currentMonth) {
    var canvas = reveal("months");
    if (!canvas) { return; }
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: months.map(function (m) { return m.label; }),
        datasets: [{
          label: "报送率",
          data: months.map(function (m) { return m.rate; }),
          backgroundColor: months.map(function (m) {
            return m.month === currentMonth ? "#b3261e" : "#90a8c8";
          }),
          borderRadius: 3,
          maxBarThickness: 28
        }]
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: {
          y: {
            min: 0,
            max: 100,
            ticks: { stepSize: 25, callback: function (v) { return v + "%"; } }
          },
          x: {
            grid: { display: false },
            ticks: { maxRotation: 0, autoSkip: false, font: { size: 11 } }
          }
        },
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              label: function (item) {
                var m = months[item.dataIndex];
                return "报送率 " + m.rate + "%(" + m.reported + " / " +
                  m.expected + ")";
              }
            }
          }
        }
      }
    });
  }

  function start() {
    autoSubmitPeriod();
    var data = readData();
    if (!data || typeof window.Chart === "undefined") { return; }
    window.Chart.defaults.font.family = FONT;
    window.Chart.defaults.color = "#616e7c";
    drawStates(data.states);
    drawMonths(data.months, data.current_month);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

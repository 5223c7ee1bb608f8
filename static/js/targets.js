/* A target's page: draws its readings against the planned line with the
 * vendored Chart.js, from <script id="target-chart-data"
 * type="application/json">. Dates become day numbers on a linear axis, so
 * that no date adapter is needed. Without this file (or Chart.js) the page
 * keeps its table of readings. */
(function () {
  "use strict";

  var FONT = '"PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", ' +
    '"WenQuanYi Micro Hei", sans-serif';
  var DAY = 24 * 60 * 60 * 1000;

  function readData() {
    var node = document.getElementById("target-chart-data");
    return node ? JSON.parse(node.textContent) : null;
  }

  function day(iso) {
    return Math.round(Date.parse(iso + "T00:00:00Z") / DAY);
  }

  function isoOf(dayNumber) {
    return new Date(dayNumber * DAY).toISOString().slice(0, 10);
  }

  function points(list) {
    return list.map(function (p) { return { x: day(p.x), y: p.y }; });
  }

  function number(value) {
    return (Math.round(value * 100) / 100).toString();
  }

  function draw(data) {
    var figure = document.getElementById("tgt-figure");
    if (!figure) { return; }
    var box = figure.querySelector(".tgt-chart");
    box.hidden = false;
    var datasets = [
      {
        label: "读数",
        data: points(data.readings),
        borderColor: "#b3261e",
        backgroundColor: "#b3261e",
        pointRadius: 3,
        borderWidth: 2
      },
      {
        label: "计划",
        data: points(data.expected),
        borderColor: "#7b93b5",
        borderDash: [6, 4],
        pointRadius: 0,
        borderWidth: 2
      }
    ];
    if (data.forecast.length) {
      datasets.push({
        label: "预测",
        data: points(data.forecast),
        borderColor: "#9aa5b1",
        borderDash: [2, 3],
        pointRadius: 0,
        borderWidth: 2
      });
    }
    new window.Chart(box.querySelector("canvas"), {
      type: "line",
      data: { datasets: datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        parsing: false,
        scales: {
          x: {
            type: "linear",
            bounds: "data",
            ticks: {
              maxTicksLimit: 8,
              callback: function (value) { return isoOf(value).slice(0, 7); }
            }
          },
          y: {
            beginAtZero: true,
            suggestedMax: data.target,
            ticks: { callback: function (value) { return number(value) + data.unit; } }
          }
        },
        plugins: {
          legend: { position: "bottom" },
          tooltip: {
            callbacks: {
              title: function (items) { return isoOf(items[0].parsed.x); },
              label: function (item) {
                return item.dataset.label + " " + number(item.parsed.y) + data.unit;
              }
            }
          }
        }
      }
    });
  }

  function start() {
    var data = readData();
    if (!data || typeof window.Chart === "undefined") { return; }
    window.Chart.defaults.font.family = FONT;
    window.Chart.defaults.color = "#616e7c";
    draw(data);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

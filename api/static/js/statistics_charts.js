// 统计图表: draws each chart of the dashboard with the vendored ECharts from the JSON the server put
// in #dashboard-data (labels already in the reader's language; the tables under the charts carry
// the same numbers). A department's bar opens its cases (the same link as its table row); each
// chart's "PNG" link downloads the chart as drawn. The instances are on window.statisticsCharts
// so the browser tests can find a bar's pixel position (convertToPixel).
(function () {
  const holder = document.getElementById("dashboard-data");
  if (!holder || typeof echarts === "undefined") return;
  const data = JSON.parse(holder.textContent);
  const T = data.texts;
  const charts = {};
  window.statisticsCharts = charts;

  function percent(value) {
    return value == null ? "—" : (value * 100).toFixed(1) + "%";
  }

  function horizontalBars(rows, name) {
    // Largest first at the top; long department names get the room on the left.
    return {
      grid: { left: 8, right: 40, top: 10, bottom: 10, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r.name; }),
               axisLabel: { width: 150, overflow: "truncate" } },
      series: [{ type: "bar", name: name, data: rows.map(function (r) { return r.value; }),
                 label: { show: true, position: "right" }, barMaxWidth: 22 }],
    };
  }

  const OPTIONS = {
    trend: function () {
      return {
        grid: { left: 8, right: 32, top: 36, bottom: 8, containLabel: true },
        tooltip: { trigger: "axis" },
        legend: { data: [T.current, T.previous], top: 0 },
        xAxis: { type: "category", data: data.trend.map(function (r) { return r.key; }) },
        yAxis: { type: "value", minInterval: 1 },
        series: [
          { name: T.current, type: "bar", barMaxWidth: 28, data: data.trend.map(function (r) { return r.value; }) },
          { name: T.previous, type: "line", symbolSize: 6, lineStyle: { type: "dashed" },
            data: data.trend.map(function (r) { return r.previous; }) },
        ],
      };
    },
    categories: function () {
      return {
        tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
        legend: { type: "scroll", bottom: 0 },
        series: [{ type: "pie", name: T.intake, radius: ["35%", "65%"], center: ["50%", "45%"],
                   label: { formatter: "{b} {c}" },
                   data: data.categories.map(function (r) { return { name: r.name, value: r.value }; }) }],
      };
    },
    departments: function () { return horizontalBars(data.departments, T.intake); },
    areas: function () { return horizontalBars(data.areas, T.intake); },
    kpis: function () {
      const k = data.kpis;
      return {
        grid: { left: 8, right: 16, top: 56, bottom: 8, containLabel: true },
        tooltip: { trigger: "axis", valueFormatter: function (v) { return v == null ? "—" : v.toFixed(1) + "%"; } },
        legend: { top: 0, data: k.codes.map(function (c) { return k.names[c]; }) },
        xAxis: { type: "category", data: k.rows.map(function (r) { return r.key; }) },
        yAxis: { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } },
        series: k.codes.map(function (c) {
          return { name: k.names[c], type: "line", symbolSize: 7,
                   data: k.rows.map(function (r) {
                     const v = r.kpis[c].value;
                     return v == null ? null : Math.round(v * 1000) / 10;
                   }) };
        }),
      };
    },
    call_loss: function () {
      return {
        grid: { left: 8, right: 16, top: 36, bottom: 8, containLabel: true },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        xAxis: { type: "category", data: data.call_loss.map(function (r) { return r.name; }),
                 axisLabel: { interval: 0, rotate: 20 } },
        yAxis: { type: "value", minInterval: 1, name: T.calls },
        series: [{ type: "bar", name: T.calls, barMaxWidth: 32,
                   data: data.call_loss.map(function (r) { return { value: r.count, rate: r.rate }; }),
                   label: { show: true, position: "top",
                            formatter: function (p) { return p.data.rate == null ? String(p.value) : p.value + " · " + percent(p.data.rate); } } }],
      };
    },
  };

  function pngLink(id, chart) {
    const link = document.querySelector('.chart-png[data-chart="' + id + '"]');
    if (!link) return;
    function refresh() {
      link.href = chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#fff" });
    }
    chart.on("finished", refresh);
    link.addEventListener("click", refresh);     // the image as it stands when clicked
    link.hidden = false;
  }

  function draw(box) {
    const id = box.dataset.chartKind;
    if (!OPTIONS[id]) return;
    const chart = echarts.init(box, null, { renderer: "canvas" });
    chart.setOption(Object.assign({ animation: false }, OPTIONS[id]()));
    charts[id] = chart;
    pngLink(id, chart);
  }

  document.querySelectorAll(".chart[data-chart-kind]").forEach(draw);
  if (charts.departments) {
    charts.departments.on("click", function (params) {
      const row = data.departments[params.dataIndex];
      if (row && row.url) window.location.assign(row.url);
    });
  }
  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (id) { charts[id].resize(); });
  });
})();

// PlanPilot dashboard: draws each chart from its data-chart attribute with ECharts (served by the
// adapter), opens the deals behind a bar on click, and applies a picker as soon as it changes.
(function () {
  'use strict';

  function draw(el) {
    var spec = JSON.parse(el.getAttribute('data-chart'));
    var horizontal = spec.kind === 'hbar';
    var category = { type: 'category', data: spec.categories, inverse: horizontal,
      axisLabel: { interval: 0, width: horizontal ? 110 : 80, overflow: 'truncate', rotate: horizontal ? 0 : (spec.categories.length > 4 ? 30 : 0) } };
    var value = { type: 'value', axisLabel: { formatter: compact } };
    var chart = echarts.init(el);
    chart.setOption({
      animation: false,
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: full },
      legend: { top: 0 },
      grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: spec.series.map(function (s) {
        return { name: s.name, type: 'bar', data: s.data, cursor: s.links ? 'pointer' : 'default' };
      })
    });
    chart.on('click', function (p) {
      var links = spec.series[p.seriesIndex].links;
      if (links && links[p.dataIndex]) {
        window.location.href = links[p.dataIndex];
      }
    });
    window.addEventListener('resize', function () { chart.resize(); });
  }

  function compact(v) {
    var a = Math.abs(v);
    if (a >= 1e6) { return (v / 1e6).toFixed(1) + 'M'; }
    if (a >= 1e3) { return (v / 1e3).toFixed(0) + 'k'; }
    return String(v);
  }

  function full(v) {
    return v == null ? '—' : Number(v).toLocaleString(document.documentElement.lang, { maximumFractionDigits: 0 });
  }

  document.querySelectorAll('[data-chart]').forEach(draw);
  document.querySelectorAll('form.filters select').forEach(function (select) {
    select.addEventListener('change', function () { select.form.submit(); });
  });
})();

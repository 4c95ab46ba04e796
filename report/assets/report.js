// The report page's own script (browser JavaScript, inlined by report/html.ts after Chart.js). It reads the
// JSON block #report-data (one ReportData, report/data.ts) and draws each canvas[data-chart=NAME] with the
// drawer of that name. Text goes into charts as data, never as HTML. Animations are off so the page is
// complete as soon as it loads (and a screenshot shows what a reader sees).
/* global Chart */
(function () {
  'use strict';
  const data = JSON.parse(document.getElementById('report-data').textContent);
  const PALETTE = ['#2563eb', '#dc2626', '#16a34a', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#65a30d', '#475569', '#ea580c', '#0d9488', '#9333ea'];
  const color = (i) => PALETTE[i % PALETTE.length];
  const fade = (hex, alpha) => hex + Math.round(alpha * 255).toString(16).padStart(2, '0');

  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;
  Chart.defaults.font.family = 'system-ui, -apple-system, "Segoe UI", sans-serif';
  Chart.defaults.plugins.legend.labels.boxWidth = 12;

  const pct = (x) => Math.round(x * 1000) / 10;
  // Bucket labels: the date alone for buckets of days, the time alone when every bucket is on one day.
  const times = data.timeline.teacher.times.length > 0 ? data.timeline.teacher.times : data.timeline.dropped.times;
  const oneDay = times.length > 0 && times.every((t) => t.slice(0, 10) === times[0].slice(0, 10));
  const shortTime = (iso) => {
    if (/day/.test(data.timeline.bucket || '')) return iso.slice(0, 10);
    return oneDay ? iso.slice(11, 16) : iso.slice(0, 16).replace('T', ' ');
  };
  const timeAxis = { stacked: true, title: { display: true, text: oneDay && times.length > 0 ? `${times[0].slice(0, 10)} (UTC)` : 'UTC' } };
  const binLabels = (width, bins) => Array.from({ length: bins }, (_, i) =>
    i === bins - 1 ? `≥${i * width}` : width === 1 ? String(i) : `${i * width}–${(i + 1) * width - 1}`);
  // One colour per reason, the same in the chart over time and the chart by reason (most frequent first).
  const reasonColors = (reasons) => {
    const map = {};
    for (const r of reasons) if (!(r in map)) map[r] = color(Object.keys(map).length);
    return map;
  };
  const dropColors = reasonColors(data.reasons.dropped.map((r) => r.reason));
  const deadColors = reasonColors(data.reasons.dead_letters.map((r) => r.reason));
  const stackedOverTime = (series, colors) => ({
    type: 'bar',
    data: {
      labels: series.times.map(shortTime),
      datasets: Object.keys(colors).filter((k) => k in series.by_key)
        .map((k) => ({ label: k, data: series.by_key[k], backgroundColor: colors[k], stack: 's' })),
    },
    options: { scales: { x: timeAxis, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'count' } } } },
  });
  const horizontal = (labels, values, label, colors) => ({
    type: 'bar',
    data: { labels, datasets: [{ label, data: values, backgroundColor: colors }] },
    options: { indexAxis: 'y', plugins: { legend: { display: false } }, scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } },
  });

  const DRAW = {
    'mix-sources': () => {
      const s = data.mix.sources;
      const sets = [{ label: 'this corpus', data: s.map((r) => pct(r.share)), backgroundColor: color(0) },
        { label: 'paper Table 1', data: s.map((r) => (r.paper_share === null ? null : pct(r.paper_share))), backgroundColor: color(8) }];
      // The configured mix is shown only when it is not the paper's (the default), to within rounding.
      const configuredDiffers = s.some((r) => (r.configured_share === null) !== (r.paper_share === null) ||
        Math.abs((r.configured_share || 0) - (r.paper_share || 0)) > 1e-9);
      if (configuredDiffers) sets.push({ label: 'configured mix', data: s.map((r) => (r.configured_share === null ? null : pct(r.configured_share))), backgroundColor: color(3) });
      return {
        type: 'bar', data: { labels: s.map((r) => r.source), datasets: sets },
        options: { scales: { y: { beginAtZero: true, title: { display: true, text: '% of examples' } } },
          plugins: { tooltip: { callbacks: { afterLabel: (c) => (c.datasetIndex === 0 ? `${s[c.dataIndex].examples.toLocaleString()} examples` : '') } } } },
      };
    },
    'mix-modes': () => ({
      type: 'doughnut',
      data: { labels: data.mix.modes.map((m) => m.mode), datasets: [{ data: data.mix.modes.map((m) => m.examples), backgroundColor: data.mix.modes.map((_, i) => color(i)) }] },
      options: { plugins: { legend: { position: 'right' } } },
    }),
    'length-means': () => {
      const s = data.lengths.by_source;
      return {
        type: 'bar',
        data: {
          labels: s.map((r) => r.source),
          datasets: [
            { label: 'instruction (this corpus)', data: s.map((r) => r.instruction_mean), backgroundColor: color(0) },
            { label: 'instruction (paper)', data: s.map((r) => r.paper_instruction_mean), backgroundColor: fade(color(0), 0.35) },
            { label: 'response (this corpus)', data: s.map((r) => r.response_mean), backgroundColor: color(1) },
            { label: 'response (paper)', data: s.map((r) => r.paper_response_mean), backgroundColor: fade(color(1), 0.35) },
          ],
        },
        options: { scales: { y: { beginAtZero: true, title: { display: true, text: 'mean words' } } } },
      };
    },
    'length-instruction': () => histogram('instruction', data.lengths.instruction_bin_width),
    'length-response': () => histogram('response', data.lengths.response_bin_width),
    'drops-time': () => stackedOverTime(data.timeline.dropped, dropColors),
    'drops-reason': () => horizontal(data.reasons.dropped.map((r) => r.reason), data.reasons.dropped.map((r) => r.count), 'drops',
      data.reasons.dropped.map((r) => dropColors[r.reason])),
    'dead-time': () => stackedOverTime(data.timeline.dead_letters, deadColors),
    'dead-reason': () => horizontal(data.reasons.dead_letters.map((r) => `${r.reason} (${r.operator})`), data.reasons.dead_letters.map((r) => r.count),
      'dead letters', data.reasons.dead_letters.map((r) => deadColors[r.reason])),
    'teacher-requests': () => {
      const t = data.timeline.teacher;
      const paid = t.ok;
      return {
        type: 'bar',
        data: {
          labels: t.times.map(shortTime),
          datasets: [
            { label: 'paid', data: paid, backgroundColor: color(0), stack: 'r' },
            { label: 'cache hits', data: t.cache_hits, backgroundColor: color(2), stack: 'r' },
            { label: 'failed', data: t.failed, backgroundColor: color(1), stack: 'r' },
            // Lines on their own unstacked axis, drawn over the bars (lower order draws later).
            { type: 'line', label: '429s (rate limited)', data: t.rate_limited, borderColor: color(3), backgroundColor: color(3), pointRadius: 2, yAxisID: 'y1', order: 0 },
            { type: 'line', label: 'retries', data: t.retries, borderColor: color(4), backgroundColor: color(4), borderDash: [4, 3], pointRadius: 2, yAxisID: 'y1', order: 0 },
          ].map((d) => ({ order: 1, ...d })),
        },
        options: { scales: {
          x: timeAxis,
          y: { stacked: true, beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'requests' } },
          y1: { position: 'right', beginAtZero: true, ticks: { precision: 0 }, grid: { drawOnChartArea: false }, title: { display: true, text: '429s, retries' } },
        } },
      };
    },
    'teacher-spend': () => {
      const t = data.timeline.teacher;
      let sum = 0;
      const cumulative = t.spend_usd.map((v) => (sum += v));
      return {
        type: 'bar',
        data: {
          labels: t.times.map(shortTime),
          datasets: [
            { label: 'spend per bucket', data: t.spend_usd, backgroundColor: color(0), yAxisID: 'y' },
            { label: 'saved by the cache', data: t.saved_usd, backgroundColor: color(2), yAxisID: 'y' },
            { type: 'line', label: 'cumulative spend', data: cumulative, borderColor: color(1), backgroundColor: color(1), pointRadius: 0, yAxisID: 'y1', order: 0 },
          ].map((d) => ({ order: 1, ...d })),
        },
        options: { scales: { x: { ...timeAxis, stacked: false }, y: { beginAtZero: true, title: { display: true, text: 'USD per bucket' } },
          y1: { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false }, title: { display: true, text: 'USD cumulative' } } } },
      };
    },
    'diversity-ratios': () => {
      const f = data.diversity.figures;
      const names = Object.keys(f.by_instruction_source).concat(['all']);
      const g = (n) => (n === 'all' ? f.all : f.by_instruction_source[n]);
      return {
        type: 'bar',
        data: {
          labels: names,
          datasets: [
            { label: 'distinct instructions / pairs', data: names.map((n) => (g(n).pairs > 0 ? g(n).distinct_instructions / g(n).pairs : 0)), backgroundColor: color(0) },
            { label: 'MATTR instructions', data: names.map((n) => g(n).mattr_instructions), backgroundColor: color(2) },
            { label: 'MATTR responses', data: names.map((n) => g(n).mattr_responses), backgroundColor: color(3) },
          ],
        },
        options: { scales: { y: { beginAtZero: true, max: 1 } } },
      };
    },
    'leading-words': () => {
      const w = data.diversity.figures.leading_words;
      return horizontal(w.map((x) => x.word), w.map((x) => x.count), 'instructions', w.map((_, i) => color(i)));
    },
    'training-loss': () => {
      const sets = [];
      data.training.runs.forEach((r, i) => {
        const points = (key) => r.history.filter((h) => h[key] !== null).map((h) => ({ x: h.step, y: h[key] }));
        const train = points('loss');
        const evals = points('eval_loss');
        if (train.length > 0) sets.push({ label: `${r.name} loss`, data: train, borderColor: color(i), backgroundColor: color(i), pointRadius: 1 });
        if (evals.length > 0) sets.push({ label: `${r.name} eval loss`, data: evals, borderColor: color(i), backgroundColor: color(i), borderDash: [6, 4], pointRadius: 3 });
      });
      return { type: 'line', data: { datasets: sets }, options: { parsing: true, scales: { x: { type: 'linear', title: { display: true, text: 'step' } }, y: { title: { display: true, text: 'loss (nats)' } } } } };
    },
    // One chart per metric (data-metric on the canvas): checkpoints along x, one bar per task, stderr in the tooltip.
    'eval-results': (canvas) => {
      const metric = canvas.getAttribute('data-metric');
      const r = data.evaluation.results.filter((x) => x.metric === metric);
      const checkpoints = [...new Set(r.map((x) => x.checkpoint))];
      const tasks = [...new Set(r.map((x) => x.task))];
      const find = (c, t) => r.find((x) => x.checkpoint === c && x.task === t);
      return {
        type: 'bar',
        data: {
          labels: checkpoints,
          datasets: tasks.map((t, i) => ({
            label: t === '' ? metric : t, backgroundColor: color(i),
            data: checkpoints.map((c) => { const hit = find(c, t); return hit ? hit.value : null; }),
          })),
        },
        options: {
          scales: { y: { beginAtZero: true, title: { display: true, text: metric } } },
          plugins: { tooltip: { callbacks: { afterLabel: (ctx) => {
            const hit = find(checkpoints[ctx.dataIndex], tasks[ctx.datasetIndex]);
            return hit && hit.stderr !== null ? `± ${hit.stderr.toFixed(4)} (stderr, n ${hit.rows})` : '';
          } } } },
        },
      };
    },
    ratings: () => {
      const r = data.evaluation.ratings;
      const checkpoints = [...new Set(r.map((x) => x.checkpoint))];
      const totals = checkpoints.map((c) => r.filter((x) => x.checkpoint === c).reduce((n, x) => n + x.count, 0));
      const grades = ['A', 'B', 'C', 'D'];
      return {
        type: 'bar',
        data: {
          labels: checkpoints,
          datasets: grades.map((g, i) => ({
            label: g, backgroundColor: [color(2), color(0), color(3), color(1)][i], stack: 'g',
            data: checkpoints.map((c, j) => { const hit = r.find((x) => x.checkpoint === c && x.rating === g); return hit && totals[j] > 0 ? pct(hit.count / totals[j]) : 0; }),
          })),
        },
        options: { indexAxis: 'y', scales: { x: { stacked: true, max: 100, title: { display: true, text: '% of rated answers' } }, y: { stacked: true } } },
      };
    },
  };

  function histogram(which, width) {
    const s = data.lengths.by_source;
    return {
      type: 'line',
      data: {
        labels: binLabels(width, data.lengths.bins),
        datasets: s.map((r, i) => ({
          label: r.source, borderColor: color(i), backgroundColor: color(i), pointRadius: 0, tension: 0,
          data: r[which].map((n) => (r.rows > 0 ? pct(n / r.rows) : 0)),
        })),
      },
      options: { scales: { x: { title: { display: true, text: 'words' } }, y: { beginAtZero: true, title: { display: true, text: '% of examples' } } } },
    };
  }

  window.laminiCharts = {};
  for (const canvas of document.querySelectorAll('canvas[data-chart]')) {
    const name = canvas.getAttribute('data-chart');
    const draw = DRAW[name];
    if (!draw) {
      console.error(`report: no drawer for chart "${name}"`);
      continue;
    }
    const key = canvas.hasAttribute('data-metric') ? `${name}:${canvas.getAttribute('data-metric')}` : name;
    window.laminiCharts[key] = new Chart(canvas, draw(canvas));
  }
})();

/* Ballast report: draws every chart described by a <script class="chart-spec"> with uPlot. */
(function () {
  'use strict';
  var body = document.body;
  window.addEventListener('error', function (e) {
    body.setAttribute('data-report-error', String(e.message || e));
  });

  var PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2',
    '#7f7f7f', '#bcbd22', '#17becf'];
  var zone = body.getAttribute('data-time-zone');
  var tzDate = zone ? function (ts) { return uPlot.tzDate(new Date(ts * 1e3), zone); } : undefined;
  var fmtTime = uPlot.fmtDate('{YYYY}-{MM}-{DD} {HH}:{mm}:{ss}');

  function fmtNum(v) {
    if (v == null) return '\u2013';
    var a = Math.abs(v);
    if (a !== 0 && (a >= 1e6 || a < 1e-3)) return v.toExponential(2);
    return String(Math.round(v * 1000) / 1000);
  }

  var groups = {};   // group name -> charts sharing the time zoom
  var ready = false;
  var drawnCharts = 0;
  var drawnPoints = 0;

  function updateBody() {
    body.setAttribute('data-charts-drawn', String(drawnCharts));
    body.setAttribute('data-points-drawn', String(drawnPoints));
  }

  /* Target line, operation spans and markers, drawn over the series, clipped to the plot area. */
  function overlays(spec) {
    return function (u) {
      var ctx = u.ctx, b = u.bbox, px = uPlot.pxRatio;
      ctx.save();
      ctx.beginPath();
      ctx.rect(b.left, b.top, b.width, b.height);
      ctx.clip();
      ctx.font = Math.round(11 * px) + 'px sans-serif';
      ctx.textBaseline = 'top';
      ctx.textAlign = 'left';
      var row = 0;
      spec.spans.forEach(function (s) {
        var x0 = u.valToPos(s[0], 'x', true), x1 = u.valToPos(s[1], 'x', true);
        ctx.fillStyle = 'rgba(255, 165, 0, 0.16)';
        ctx.fillRect(x0, b.top, Math.max(x1 - x0, px), b.height);
        ctx.fillStyle = 'rgba(150, 80, 0, 0.95)';
        ctx.fillText(s[2], x0 + 3 * px, b.top + (3 + 13 * (row++ % 4)) * px);
      });
      spec.markers.forEach(function (m) {
        var x = Math.round(u.valToPos(m[0], 'x', true));
        ctx.strokeStyle = 'rgba(90, 90, 90, 0.8)';
        ctx.lineWidth = px;
        ctx.setLineDash([3 * px, 3 * px]);
        ctx.beginPath();
        ctx.moveTo(x, b.top);
        ctx.lineTo(x, b.top + b.height);
        ctx.stroke();
        ctx.fillStyle = 'rgba(60, 60, 60, 0.95)';
        ctx.fillText(m[1], x + 3 * px, b.top + (3 + 13 * (row++ % 4)) * px);
      });
      if (spec.target) {
        var y = Math.round(u.valToPos(spec.target.value, 'y', true));
        ctx.strokeStyle = '#cf222e';
        ctx.lineWidth = 1.5 * px;
        ctx.setLineDash([6 * px, 4 * px]);
        ctx.beginPath();
        ctx.moveTo(b.left, y);
        ctx.lineTo(b.left + b.width, y);
        ctx.stroke();
        ctx.fillStyle = '#cf222e';
        ctx.textAlign = 'right';
        ctx.textBaseline = 'bottom';
        ctx.fillText(spec.target.label + ' ' + fmtNum(spec.target.value) +
          (spec.unit ? ' ' + spec.unit : ''), b.left + b.width - 4 * px, y - 2 * px);
      }
      ctx.restore();
    };
  }

  function yRange(spec) {
    return function (u, min, max) {
      if (spec.target) {
        min = min == null ? spec.target.value : Math.min(min, spec.target.value);
        max = max == null ? spec.target.value : Math.max(max, spec.target.value);
      }
      if (min == null || max == null) { min = 0; max = 1; }
      var r = uPlot.rangeNum(min, max, 0.1, true);
      if (spec.yMin != null) r[0] = spec.yMin;
      if (spec.yMax != null) r[1] = spec.yMax;
      if (r[1] <= r[0]) r[1] = r[0] + 1;
      return r;
    };
  }

  function setWindow(u, from, to) {
    var xs = u.data[0];
    if (!xs.length) return;
    var lo = xs[0], hi = xs[xs.length - 1];
    var width = to - from;
    if (width >= hi - lo) { from = lo; to = hi; }
    else if (from < lo) { from = lo; to = lo + width; }
    else if (to > hi) { to = hi; from = hi - width; }
    u.setScale('x', { min: from, max: to });
  }

  function wireToolbar(section, u) {
    var xs = u.data[0];
    var span = xs.length ? xs[xs.length - 1] - xs[0] : 0;
    Array.prototype.forEach.call(section.querySelectorAll('button[data-range]'), function (btn) {
      var range = btn.getAttribute('data-range');
      if (range !== 'all' && Number(range) >= span) btn.disabled = true;
      btn.addEventListener('click', function () {
        if (range === 'all') { setWindow(u, -Infinity, Infinity); return; }
        var from = u.scales.x.min;
        setWindow(u, from, from + Number(range));
      });
    });
    Array.prototype.forEach.call(section.querySelectorAll('button[data-pan]'), function (btn) {
      btn.addEventListener('click', function () {
        var w = u.scales.x.max - u.scales.x.min;
        var step = Number(btn.getAttribute('data-pan')) * w;
        setWindow(u, u.scales.x.min + step, u.scales.x.max + step);
      });
    });
  }

  function draw(specEl) {
    var spec = JSON.parse(specEl.textContent);
    var section = document.getElementById(spec.id);
    var plot = section.querySelector('.plot');
    var joined = spec.tables.length ? uPlot.join(spec.tables) : [[]];
    var data = [joined[0]];
    spec.columns.forEach(function (c) { data.push(joined[c]); });
    var unitSuffix = spec.unit ? ' ' + spec.unit : '';
    var series = [{ label: 'time', value: function (u, v) { return v == null ? '\u2013' : fmtTime(tzDate ? tzDate(v) : new Date(v * 1e3)); } }];
    spec.series.forEach(function (s, i) {
      series.push({
        label: s.name,
        stroke: s.color || PALETTE[i % PALETTE.length],
        width: 1.5,
        spanGaps: false,
        points: { show: false },
        paths: s.step ? uPlot.paths.stepped({ align: 1 }) : undefined,
        value: function (u, v) { return v == null ? '\u2013' : fmtNum(v) + unitSuffix; }
      });
    });
    var yLabel = spec.yLabel + (spec.unit ? ' (' + spec.unit + ')' : '');
    var counted = false;
    var group = groups[spec.group] || (groups[spec.group] = []);
    var opts = {
      width: Math.max(plot.clientWidth, 320),
      height: spec.height,
      tzDate: tzDate,
      series: series,
      scales: { x: { time: true }, y: { range: yRange(spec) } },
      axes: [{}, { label: yLabel, size: 64, values: function (u, vals) { return vals.map(fmtNum); } }],
      cursor: { sync: { key: 'ballast-' + spec.group }, drag: { x: true, y: false } },
      hooks: {
        draw: [overlays(spec), function () {
          if (!counted) {
            counted = true;
            section.setAttribute('data-drawn', 'true');
            section.setAttribute('data-points', String(spec.points));
            drawnCharts++;
            drawnPoints += spec.points;
            updateBody();
          }
        }],
        setScale: [function (u, key) {
          if (key !== 'x') return;
          section.setAttribute('data-view-from', String(Math.round(u.scales.x.min)));
          section.setAttribute('data-view-to', String(Math.round(u.scales.x.max)));
          if (!ready || u._syncing) return;
          group.forEach(function (other) {
            if (other !== u) {
              other._syncing = true;
              other.setScale('x', { min: u.scales.x.min, max: u.scales.x.max });
              other._syncing = false;
            }
          });
        }]
      }
    };
    var u = new uPlot(opts, data, plot);
    group.push(u);
    wireToolbar(section, u);
    return u;
  }

  var all = [];
  Array.prototype.forEach.call(document.querySelectorAll('script.chart-spec'), function (el) {
    try {
      all.push(draw(el));
    } catch (e) {
      body.setAttribute('data-report-error', String(e && e.message || e));
      var msg = document.createElement('p');
      msg.className = 'chart-error';
      msg.textContent = 'This chart could not be drawn: ' + (e && e.message || e);
      el.parentNode.appendChild(msg);
    }
  });
  ready = true;

  /* A link may open the page zoomed: report.html#from=<epoch seconds>&to=<epoch seconds>. */
  var view = {};
  location.hash.replace(/^#/, '').split('&').forEach(function (kv) {
    var p = kv.split('=');
    if (p.length === 2) view[p[0]] = Number(p[1]);
  });
  if (isFinite(view.from) && isFinite(view.to) && view.to > view.from) {
    Object.keys(groups).forEach(function (g) {
      if (groups[g].length) setWindow(groups[g][0], view.from, view.to);
    });
  }

  var resizeTimer = null;
  window.addEventListener('resize', function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      all.forEach(function (u) {
        u.setSize({ width: Math.max(u.root.parentNode.clientWidth, 320), height: u.height });
      });
    }, 100);
  });
})();

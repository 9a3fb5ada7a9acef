// jckpool dashboard, scheduling proxy panel (/api/schedule): the target/achieved split chart, the weights table
// and the weight sliders. Adds window.jckpool.schedule; needs dashboard-common.js.
(function () {
  'use strict';

  var j = window.jckpool;
  var byId = j.byId, setText = j.setText, cell = j.cell, fillTable = j.fillTable, fetchJson = j.fetchJson;
  var integer = j.integer, percent = j.percent, svg = j.svg, refreshSeconds = j.refreshSeconds;

  var splitSamples = [];
  var MAX_SPLIT_SAMPLES = 720;
  var slidersFor = null; // the upstream names the sliders were built for
  var slidersEdited = false; // the user moved a slider: refreshes leave the sliders alone until weights are set

  function drawSplitChart(container, samples) {
    var width = Math.max(320, Math.round(container.clientWidth - 16)), height = 220;
    var left = 48, right = 12, top = 10, bottom = 24;
    var root = svg('svg', { viewBox: '0 0 ' + width + ' ' + height, width: width, height: height, id: 'split-svg' });
    if (samples.length === 0) {
      container.replaceChildren(root);
      return;
    }
    var pts = samples.length === 1 ? [Object.assign({}, samples[0], { t: samples[0].t - refreshSeconds }), samples[0]]
      : samples;
    var t0 = pts[0].t, t1 = pts[pts.length - 1].t, span = Math.max(1, t1 - t0);
    function x(t) { return left + (t - t0) / span * (width - left - right); }
    function y(v) { return top + (1 - v / 100) * (height - top - bottom); }
    [0, 25, 50, 75, 100].forEach(function (v) {
      root.appendChild(svg('line', { x1: left, x2: width - right, y1: y(v), y2: y(v), 'class': 'grid' }));
      var label = svg('text', { x: left - 6, y: y(v) + 4, 'text-anchor': 'end', 'class': 'axis-label' });
      label.textContent = v + ' %';
      root.appendChild(label);
    });
    var count = pts[pts.length - 1].target.length;
    for (var i = 0; i < count; i++) {
      ['target', 'achieved'].forEach(function (key) {
        var line = pts.map(function (p) {
          return x(p.t).toFixed(1) + ',' + y(p[key][i] || 0).toFixed(1);
        }).join(' ');
        root.appendChild(svg('polyline', { points: line, 'class': 'split-' + key + ' u' + (i % 4),
          id: 'split-' + key + '-' + i, 'data-samples': String(samples.length) }));
      });
    }
    container.replaceChildren(root);
  }

  function scheduleRows(upstreams) {
    return upstreams.map(function (u) {
      var tr = document.createElement('tr');
      tr.setAttribute('data-upstream', String(u.index));
      tr.appendChild(cell(u.name || ''));
      tr.appendChild(cell(String(u.weight), 'num'));
      tr.appendChild(cell(percent(u.target_percent), 'num'));
      tr.appendChild(cell(percent(u.achieved_10m_percent), 'num'));
      tr.appendChild(cell(percent(u.achieved_1h_percent), 'num'));
      tr.appendChild(cell(integer(u.switches), 'num'));
      tr.appendChild(cell(u.active ? 'active' : '', u.active ? 'yes' : ''));
      // an incompatible upstream (too little extranonce2 room for the proxy's layout) is up but gets no work
      var health = cell(u.compatible === false ? 'incompatible' : u.healthy ? 'yes' : 'no', u.healthy ? 'yes' : 'no');
      if (u.incompatible) { health.title = u.incompatible; }
      tr.appendChild(health);
      return tr;
    });
  }

  // One slider (0-100) per upstream, built when the names are first seen; set from the weights unless edited.
  function renderSliders(upstreams) {
    var names = upstreams.map(function (u) { return u.name; }).join('\n');
    var box = byId('schedule-sliders');
    if (slidersFor !== names) {
      slidersFor = names;
      slidersEdited = false;
      box.replaceChildren.apply(box, upstreams.map(function (u) {
        var label = document.createElement('label');
        var name = document.createElement('span');
        name.textContent = u.name;
        var input = document.createElement('input');
        input.type = 'range';
        input.min = '0';
        input.max = '100';
        input.step = '1';
        input.setAttribute('data-name', u.name);
        input.setAttribute('aria-label', 'weight of ' + u.name);
        var value = document.createElement('span');
        value.className = 'slider-value';
        input.addEventListener('input', function () {
          slidersEdited = true;
          value.textContent = input.value;
        });
        label.appendChild(name);
        label.appendChild(input);
        label.appendChild(value);
        return label;
      }));
    }
    if (!slidersEdited) {
      upstreams.forEach(function (u, i) {
        var label = box.children[i];
        var input = label.querySelector('input');
        input.value = String(Math.round(Math.min(100, Math.max(0, u.weight))));
        label.querySelector('.slider-value').textContent = input.value;
      });
    }
  }

  function renderSchedule(schedule) {
    var on = schedule !== null;
    byId('schedule-section').hidden = !on;
    if (!on) { return; }
    var ups = (schedule.upstreams || []).slice().sort(function (a, b) { return a.index - b.index; });
    setText('schedule-switches', '(' + integer(schedule.switches || 0) + ' switches, slice ' + schedule.slice_s + ' s)');
    fillTable('schedule', scheduleRows(ups), 'no schedule yet', 8);
    var keys = byId('split-keys');
    keys.replaceChildren.apply(keys, ups.map(function (u) {
      var k = document.createElement('span');
      var sw = document.createElement('span');
      sw.className = 'key u' + (u.index % 4);
      k.appendChild(sw);
      k.appendChild(document.createTextNode(u.name + ' '));
      return k;
    }));
    splitSamples.push({ t: Date.now() / 1000,
      target: ups.map(function (u) { return u.target_percent || 0; }),
      achieved: ups.map(function (u) { return u.achieved_10m_percent || 0; }) });
    if (splitSamples.length > MAX_SPLIT_SAMPLES) { splitSamples.shift(); }
    if (splitSamples.length > 1 && splitSamples[0].target.length !== ups.length) { splitSamples = splitSamples.slice(-1); }
    drawSplitChart(byId('split-chart'), splitSamples);
    renderSliders(ups);
  }

  function submitWeights(event) {
    event.preventDefault();
    var weights = {};
    Array.prototype.forEach.call(document.querySelectorAll('#schedule-sliders input'), function (input) {
      weights[input.getAttribute('data-name')] = Number(input.value);
    });
    setText('schedule-result', 'setting…');
    fetch('/api/schedule', { method: 'POST', cache: 'no-store',
      headers: { 'Content-Type': 'application/json', 'Authorization': 'Bearer ' + byId('schedule-token').value },
      body: JSON.stringify({ weights: weights }) })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) {
          if (!response.ok) { throw new Error(body.error || ('HTTP ' + response.status)); }
          slidersEdited = false;
          setText('schedule-result', 'weights set');
          renderSchedule(body);
        });
      })
      .catch(function (e) { setText('schedule-result', 'not set: ' + e.message); });
  }

  // /api/schedule answers 404 unless the proxy schedules by weight (fixed by the config): asked while it answers.
  var notScheduling = false;

  function fetchSchedule(upstreams) {
    if (notScheduling || upstreams === null) { return Promise.resolve(null); }
    return fetchJson('/api/schedule').catch(function (e) {
      if (e.status === 404) { notScheduling = true; }
      return null;
    });
  }

  j.schedule = { render: renderSchedule, fetch: fetchSchedule, submitWeights: submitWeights };
})();

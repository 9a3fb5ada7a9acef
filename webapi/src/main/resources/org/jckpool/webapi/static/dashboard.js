// jckpool dashboard: polls the JSON API and renders tables and an SVG hashrate chart. No libraries.
(function () {
  'use strict';

  var params = new URLSearchParams(window.location.search);
  var refreshSeconds = Math.min(300, Math.max(1, parseFloat(params.get('refresh')) || 5));
  var SVG_NS = 'http://www.w3.org/2000/svg';
  var refreshes = 0;

  // ---- formatting ----

  function siScaled(value, units, digits) {
    if (value === null || value === undefined || !isFinite(value)) { return '–'; }
    var i = 0;
    var v = Math.abs(value);
    while (v >= 1000 && i < units.length - 1) { v /= 1000; i++; }
    var shown = (value < 0 ? -v : v).toFixed(i === 0 ? 0 : digits);
    return shown + (units[i] ? ' ' + units[i] : '');
  }

  function hashrate(hps) {
    return siScaled(hps, ['H/s', 'kH/s', 'MH/s', 'GH/s', 'TH/s', 'PH/s', 'EH/s', 'ZH/s'], 2);
  }

  function difficulty(d) {
    if (d === null || d === undefined || !isFinite(d)) { return '–'; }
    if (d > 0 && d < 1) { return d.toPrecision(3); }
    var text = siScaled(d, ['', 'K', 'M', 'G', 'T', 'P', 'E'], 2);
    return text.replace(/ $/, '');
  }

  function integer(n) {
    return (n === null || n === undefined) ? '–' : Number(n).toLocaleString('en-US');
  }

  function age(epochSeconds, nowSeconds) {
    if (!epochSeconds) { return 'never'; }
    var s = Math.max(0, Math.round(nowSeconds - epochSeconds));
    if (s < 60) { return s + ' s ago'; }
    if (s < 3600) { return Math.floor(s / 60) + ' min ago'; }
    if (s < 86400) { return Math.floor(s / 3600) + ' h ago'; }
    return Math.floor(s / 86400) + ' d ago';
  }

  function duration(seconds) {
    var d = Math.floor(seconds / 86400);
    var h = Math.floor(seconds % 86400 / 3600);
    var m = Math.floor(seconds % 3600 / 60);
    if (d > 0) { return d + 'd ' + h + 'h ' + m + 'm'; }
    if (h > 0) { return h + 'h ' + m + 'm'; }
    return m + 'm ' + Math.floor(seconds % 60) + 's';
  }

  function clock(epochSeconds) {
    return new Date(epochSeconds * 1000).toLocaleTimeString('en-GB', { hour12: false });
  }

  function dateTime(epochSeconds) {
    var d = new Date(epochSeconds * 1000);
    return d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
  }

  // ---- DOM helpers (text only: data never becomes markup) ----

  function byId(id) { return document.getElementById(id); }

  function setText(id, text) {
    var node = byId(id);
    if (node) { node.textContent = text; }
  }

  function cell(text, className) {
    var td = document.createElement('td');
    td.textContent = text;
    if (className) { td.className = className; }
    return td;
  }

  function fillTable(tableId, rows, emptyText, columns) {
    var tbody = byId(tableId).tBodies[0];
    var fragment = document.createDocumentFragment();
    if (rows.length === 0) {
      var tr = document.createElement('tr');
      tr.className = 'empty';
      var td = cell(emptyText);
      td.colSpan = columns;
      tr.appendChild(td);
      fragment.appendChild(tr);
    }
    rows.forEach(function (tr) { fragment.appendChild(tr); });
    tbody.replaceChildren(fragment);
  }

  function showError(message) {
    var box = byId('error');
    if (!box) { return; }
    box.textContent = message || '';
    box.hidden = !message;
  }

  function fetchJson(path) {
    return fetch(path, { headers: { 'Accept': 'application/json' }, cache: 'no-store' }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (!response.ok) {
          var error = new Error(body.error || ('HTTP ' + response.status));
          error.status = response.status;
          throw error;
        }
        return body;
      });
    });
  }

  // ---- chart ----

  function svg(tag, attrs) {
    var node = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function niceStep(raw) {
    var power = Math.pow(10, Math.floor(Math.log10(raw)));
    var f = raw / power;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
  }

  // A hashrate axis label with as many decimals as the step needs (0.5 H/s, not "1 H/s" three times).
  function axisRate(value, step) {
    var units = ['H/s', 'kH/s', 'MH/s', 'GH/s', 'TH/s', 'PH/s', 'EH/s', 'ZH/s'];
    var i = 0;
    while (step >= 1000 && i < units.length - 1) { value /= 1000; step /= 1000; i++; }
    var decimals = Math.max(0, Math.min(6, -Math.floor(Math.log10(step) + 1e-9)));
    return value.toFixed(decimals) + ' ' + units[i];
  }

  function drawChart(container, points, interval) {
    // Drawn at the container's pixel size so text is not stretched; redrawn on every refresh.
    var width = Math.max(320, Math.round(container.clientWidth - 16)), height = 220;
    var left = 78, right = 12, top = 10, bottom = 24;
    if (points.length === 1) {
      // One sample so far: draw it as a flat line over one interval.
      points = [Object.assign({}, points[0], { t: points[0].t - (interval || 60) }), points[0]];
    }
    var root = svg('svg', { viewBox: '0 0 ' + width + ' ' + height, width: width, height: height, id: 'chart-svg' });
    if (points.length === 0) {
      var empty = svg('text', { x: width / 2, y: height / 2, 'text-anchor': 'middle', 'class': 'axis-label' });
      empty.textContent = 'no samples yet';
      root.appendChild(empty);
      container.replaceChildren(root);
      return;
    }
    var t0 = points[0].t, t1 = points[points.length - 1].t;
    var span = Math.max(1, t1 - t0);
    var max = 0;
    points.forEach(function (p) { max = Math.max(max, p['1m'], p['1h']); });
    // A round step (1, 2 or 5 times a power of ten) keeps the four grid labels distinct and readable.
    var step = niceStep((max > 0 ? max * 1.1 : 1) / 4);
    max = step * 4;
    function x(t) { return left + (t - t0) / span * (width - left - right); }
    function y(v) { return top + (1 - v / max) * (height - top - bottom); }

    for (var i = 0; i <= 4; i++) {
      var value = step * i;
      root.appendChild(svg('line', { x1: left, x2: width - right, y1: y(value), y2: y(value), 'class': 'grid' }));
      var label = svg('text', { x: left - 6, y: y(value) + 4, 'text-anchor': 'end', 'class': 'axis-label y-label' });
      label.textContent = axisRate(value, step);
      root.appendChild(label);
    }
    [[t0, 'start'], [t1, 'end']].forEach(function (pair) {
      var label = svg('text', { x: x(pair[0]), y: height - 6, 'text-anchor': pair[1], 'class': 'axis-label' });
      label.textContent = clock(pair[0]);
      root.appendChild(label);
    });

    function line(key) {
      return points.map(function (p) { return x(p.t).toFixed(1) + ',' + y(p[key]).toFixed(1); }).join(' ');
    }
    var line1m = line('1m');
    var area = left.toFixed(1) + ',' + y(0).toFixed(1) + ' ' + line1m + ' ' + x(t1).toFixed(1) + ',' + y(0).toFixed(1);
    root.appendChild(svg('polygon', { points: area, 'class': 'area-1m' }));
    root.appendChild(svg('polyline', { points: line('1h'), 'class': 'line-1h', id: 'chart-line-1h' }));
    root.appendChild(svg('polyline', { points: line1m, 'class': 'line-1m', id: 'chart-line-1m',
      'data-samples': String(points.length) }));
    container.replaceChildren(root);
  }

  // ---- tables ----

  function workerRows(workers, now) {
    return workers.map(function (w) {
      var tr = document.createElement('tr');
      tr.setAttribute('data-worker', w.name);
      var nameCell = document.createElement('td');
      var link = document.createElement('a');
      link.href = 'user.html?u=' + encodeURIComponent(w.user);
      link.textContent = w.name;
      nameCell.appendChild(link);
      tr.appendChild(nameCell);
      ['1m', '5m', '1h', '1d'].forEach(function (k) { tr.appendChild(cell(hashrate(w.hashrate[k]), 'num')); });
      tr.appendChild(cell(difficulty(w.difficulty), 'num'));
      tr.appendChild(cell(integer(w.accepted), 'num'));
      tr.appendChild(cell(integer(w.rejected), 'num'));
      tr.appendChild(cell(difficulty(w.bestShare), 'num'));
      var last = cell(age(w.lastShare, now));
      if (w.lastShare) { last.title = dateTime(w.lastShare); }
      tr.appendChild(last);
      return tr;
    });
  }

  function percent(p) {
    return (p === null || p === undefined || !isFinite(p)) ? '–' : Number(p).toFixed(2) + ' %';
  }

  // Proxy mode: one row per upstream pool of /api/upstreams, in priority order.
  function upstreamRows(upstreams, now) {
    return upstreams.slice().sort(function (a, b) { return a.index - b.index; }).map(function (u) {
      var tr = document.createElement('tr');
      tr.setAttribute('data-upstream', String(u.index));
      tr.appendChild(cell(u.url || ''));
      tr.appendChild(cell(u.user || ''));
      tr.appendChild(cell(String(u.index), 'num'));
      tr.appendChild(cell(u.active ? 'active' : '', u.active ? 'yes' : ''));
      tr.appendChild(cell(u.alive ? 'yes' : 'no', u.alive ? 'yes' : 'no'));
      tr.appendChild(cell(integer(u.accepted), 'num'));
      tr.appendChild(cell(integer(u.rejected), 'num'));
      tr.appendChild(cell(percent(u.pool_stale_percent), 'num'));
      tr.appendChild(cell(percent(u.pool_rejected_percent), 'num'));
      var last = cell(age(u.last_share_time, now));
      if (u.last_share_time) { last.title = dateTime(u.last_share_time); }
      tr.appendChild(last);
      tr.appendChild(cell(u.difficulty === undefined ? '–' : difficulty(u.difficulty), 'num'));
      tr.appendChild(cell(u.latency_ms === undefined ? '–' : integer(u.latency_ms) + ' ms', 'num'));
      if (u.problem) { tr.title = u.problem; }
      return tr;
    });
  }

  function renderUpstreams(status, now) {
    var proxy = status !== null;
    byId('upstreams-section').hidden = !proxy;
    byId('nodes-section').hidden = proxy; // a proxy has upstream pools, no nodes
    if (!proxy) { return; }
    var f = status.forwarding || {};
    setText('upstreams-forwarding', '(' + integer(f.forwarded || 0) + ' shares forwarded)');
    fillTable('upstreams', upstreamRows(status.upstreams || [], now), 'no upstream status yet', 12);
  }

  // The passthrough family (/api/passthrough): in -P/-R the upstream link, in a pool the downstream instances.
  function renderPassthrough(status, now) {
    // a trusted remote (-t) is a pool: its "upstream" is the link it reports over, not a relay's
    var remoteLink = status !== null && status.mode === 'remote' ? status.upstream : undefined;
    var relay = status !== null && status.upstream !== undefined && remoteLink === undefined;
    var downstream = (status && status.downstream) || [];
    var remotes = (status && status.remotes) || [];
    byId('passthrough-section').hidden = !relay && downstream.length === 0 && remotes.length === 0 &&
      remoteLink === undefined;
    renderRemotes(remoteLink, remotes, now);
    byId('nodes-title').textContent = relay ? 'Upstream pools' : 'Nodes';
    if (status === null) { return; }
    setText('passthrough-mode', '(' + status.mode + ')');
    if (relay) {
      var up = status.upstream;
      var text = up.connected
        ? 'upstream ' + up.url + ' connected ' + age(up.connected_since, now)
        : 'no upstream connected' + (up.last_error ? ' (' + up.last_error + ')' : '');
      text += ' · ' + integer(status.clients) + ' miners routed · ' + integer(up.losses) + ' losses';
      var r = status.redirector;
      if (r) {
        text += ' · redirected ' + integer(r.redirected) + ', dropped idle ' + integer(r.dropped_idle) +
          ', screening ' + integer(r.screening);
      }
      setText('passthrough-link', text);
    } else {
      setText('passthrough-link', integer(downstream.length) + ' downstream passthrough instance' +
        (downstream.length === 1 ? '' : 's') + ' connected');
    }
    byId('downstream-block').hidden = relay;
    if (!relay) {
      fillTable('downstream', downstream.map(function (d) {
        var tr = document.createElement('tr');
        tr.setAttribute('data-link', String(d.id));
        tr.appendChild(cell(d.address));
        tr.appendChild(cell(String(d.id), 'num'));
        tr.appendChild(cell(integer(d.clients), 'num'));
        var since = cell(age(d.since, now));
        since.title = dateTime(d.since);
        tr.appendChild(since);
        return tr;
      }), 'none', 4);
    }
  }

  function renderRemotes(link, remotes, now) {
    byId('remote-upstream').hidden = link === undefined;
    if (link !== undefined) {
      setText('remote-upstream', (link.connected
        ? 'reporting to upstream pool ' + link.upstream + ', connected ' + age(link.connected_since, now)
        : 'upstream pool ' + link.upstream + ' not connected' + (link.error ? ' (' + link.error + ')' : '')) +
        ' · acked seq ' + integer(link.acked) + ' of ' + integer(link.last_seq) + ' · ' + integer(link.pending) +
        ' in the outbox' + (link.dropped ? ' · ' + integer(link.dropped) + ' dropped' : ''));
    }
    byId('remotes-block').hidden = remotes.length === 0;
    fillTable('remotes', remotes.map(function (r) {
      var tr = document.createElement('tr');
      tr.setAttribute('data-remote', r.id);
      tr.appendChild(cell(r.id));
      tr.appendChild(cell(r.address));
      var since = cell(r.connected ? age(r.since, now) : 'no', r.connected ? 'yes' : 'no');
      if (r.connected && r.since) { since.title = dateTime(r.since); }
      tr.appendChild(since);
      tr.appendChild(cell(integer(r.seq), 'num'));
      tr.appendChild(cell(integer(Math.max(0, (r.shares || 0) - (r.rejected || 0))), 'num'));
      tr.appendChild(cell(integer((r.rejected || 0) + (r.shareerrors || 0)), 'num'));
      tr.appendChild(cell(integer(r.replays), 'num'));
      tr.appendChild(cell(integer(r.blocks), 'num'));
      return tr;
    }), 'none', 8);
  }

  // ---- scheduling proxy: split chart, table and weight sliders ----

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
      tr.appendChild(cell(u.healthy ? 'yes' : 'no', u.healthy ? 'yes' : 'no'));
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

  function byHashrate(a, b) { return b.hashrate['1m'] - a.hashrate['1m'] || (a.name < b.name ? -1 : 1); }

  function renderPool(pool, users, blocks, history, upstreams, passthrough) {
    var now = pool.time;
    var healthy = pool.healthy;
    var status = byId('status');
    status.textContent = healthy ? 'online' : 'degraded';
    status.className = 'badge ' + (healthy ? 'badge-ok' : 'badge-bad');

    setText('hr-1m', hashrate(pool.hashrate['1m']));
    setText('hr-long', hashrate(pool.hashrate['5m']) + ' / ' + hashrate(pool.hashrate['1h']) + ' / ' +
      hashrate(pool.hashrate['1d']));
    setText('counts', integer(pool.users) + ' / ' + integer(pool.workers) + ' / ' + integer(pool.clients));
    setText('shares', integer(pool.shares.accepted) + ' / ' + integer(pool.shares.rejected));
    var reasons = Object.keys(pool.shares.rejectedByReason || {}).sort().map(function (r) {
      return r + ': ' + integer(pool.shares.rejectedByReason[r]);
    });
    setText('reject-reasons', reasons.join(', '));
    setText('best-share', difficulty(pool.bestShare));
    var net = pool.network;
    setText('network', net.templateTime
      ? 'height ' + integer(net.height) + ', difficulty ' + difficulty(net.difficulty) + ', work ' +
        age(net.templateTime, now)
      : 'no work yet');
    setText('blocks-found', integer(pool.blocksFound));
    setText('uptime', duration(pool.uptime));

    var points = history.points;
    var last = points[points.length - 1];
    if (history.current && (!last || history.current.t > last.t)) {
      points = points.concat([history.current]); // ends on the rate the cards show
    }
    drawChart(byId('chart'), points, history.interval);

    renderUpstreams(upstreams, now);
    renderPassthrough(passthrough, now);

    fillTable('nodes', pool.nodes.map(function (n) {
      var tr = document.createElement('tr');
      tr.setAttribute('data-node', n.url);
      tr.appendChild(cell(n.url));
      tr.appendChild(cell(n.alive ? 'yes' : 'no', n.alive ? 'yes' : 'no'));
      tr.appendChild(cell(n.active ? 'active' : '', n.active ? 'yes' : ''));
      return tr;
    }), 'no nodes configured', 3);

    var workers = [];
    users.users.forEach(function (u) { workers.push.apply(workers, u.workers); });
    workers.sort(byHashrate);
    setText('workers-count', '(' + workers.length + ')');
    fillTable('workers', workerRows(workers.slice(0, 500), now), 'no workers connected', 10);

    fillTable('blocks', blocks.blocks.map(function (b) {
      var tr = document.createElement('tr');
      tr.setAttribute('data-height', String(b.height));
      tr.appendChild(cell(integer(b.height), 'num'));
      var hash = cell(b.hash.slice(0, 16) + '…' + b.hash.slice(-8), 'hash');
      hash.title = b.hash;
      tr.appendChild(hash);
      tr.appendChild(cell(dateTime(b.time)));
      tr.appendChild(cell(b.status, 'status-' + b.status));
      tr.appendChild(cell(b.worker || ''));
      return tr;
    }), 'no blocks found yet', 5);
  }

  function renderUser(user) {
    var now = Date.now() / 1000;
    setText('user-name', user.name);
    document.title = 'jckpool — ' + user.name;
    setText('user-hr-1m', hashrate(user.hashrate['1m']));
    setText('user-hr-long', hashrate(user.hashrate['5m']) + ' / ' + hashrate(user.hashrate['1h']) + ' / ' +
      hashrate(user.hashrate['1d']));
    setText('user-shares', integer(user.accepted) + ' / ' + integer(user.rejected));
    setText('user-best', difficulty(user.bestShare));
    setText('user-last', age(user.lastShare, now));
    var workers = user.workers.slice().sort(byHashrate);
    setText('workers-count', '(' + workers.length + ')');
    fillTable('workers', workerRows(workers, now), 'no workers', 10);
  }

  // ---- refresh loop ----

  function updated() {
    refreshes++;
    document.body.setAttribute('data-refreshes', String(refreshes));
    setText('updated', 'updated ' + new Date().toLocaleTimeString('en-GB', { hour12: false }));
  }

  // /api/upstreams answers 404 when the pool is not a proxy; a pool does not become one while running, so it is
  // asked once.
  var notProxy = false;

  function fetchUpstreams() {
    if (notProxy) { return Promise.resolve(null); }
    return fetchJson('/api/upstreams').catch(function (e) {
      if (e.status === 404) { notProxy = true; return null; }
      throw e;
    });
  }

  // /api/passthrough answers 404 from a server that has no passthrough status; asked once too.
  var noPassthrough = false;

  function fetchPassthrough() {
    if (noPassthrough) { return Promise.resolve(null); }
    return fetchJson('/api/passthrough').catch(function (e) {
      if (e.status === 404) { noPassthrough = true; return null; }
      throw e;
    });
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

  function refreshPool() {
    return Promise.all([fetchJson('/api/pool'), fetchJson('/api/users'), fetchJson('/api/blocks?limit=20'),
      fetchJson('/api/pool/history'), fetchUpstreams(), fetchPassthrough()])
      .then(function (r) {
        return fetchSchedule(r[4]).then(function (schedule) { r.push(schedule); return r; });
      })
      .then(function (r) {
        renderPool(r[0], r[1], r[2], r[3], r[4], r[5]); renderSchedule(r[6]); showError(''); updated();
      })
      .catch(function (e) {
        showError('Cannot reach the pool API: ' + e.message);
        var status = byId('status');
        status.textContent = 'offline';
        status.className = 'badge badge-bad';
      });
  }

  function userFromLocation() {
    var name = params.get('u');
    if (name) { return name; }
    var m = /^#\/user\/(.+)$/.exec(window.location.hash);
    return m ? decodeURIComponent(m[1]) : null;
  }

  function refreshUser(name) {
    return fetchJson('/api/users/' + encodeURIComponent(name))
      .then(function (user) { renderUser(user); showError(''); updated(); })
      .catch(function (e) {
        setText('user-name', name);
        showError(e.status === 404 ? 'Unknown user: ' + name + ' (no shares from it since the pool started)'
          : 'Cannot load user: ' + e.message);
        fillTable('workers', [], 'no workers', 10);
        updated();
      });
  }

  function loop(task) {
    task().then(function () { window.setTimeout(function () { loop(task); }, refreshSeconds * 1000); });
  }

  var page = document.body.getAttribute('data-page');
  if (page === 'pool') {
    var hashUser = /^#\/user\/(.+)$/.exec(window.location.hash);
    if (hashUser) {
      window.location.replace('user.html?u=' + hashUser[1]);
      return;
    }
    byId('schedule-form').addEventListener('submit', submitWeights);
    loop(refreshPool);
  } else if (page === 'user') {
    var name = userFromLocation();
    if (name) {
      byId('lookup-input').value = name;
      loop(function () { return refreshUser(name); });
    } else {
      showError('Enter an address or user name to look up.');
    }
  }
})();

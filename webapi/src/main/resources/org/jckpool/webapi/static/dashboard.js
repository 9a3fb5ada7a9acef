// jckpool dashboard: polls the JSON API and renders tables and an SVG hashrate chart. No libraries.
// Loaded last: the helpers come from dashboard-common.js, the passthrough and scheduling panels (pool page) from
// dashboard-passthrough.js and dashboard-schedule.js.
(function () {
  'use strict';

  var j = window.jckpool;
  var params = j.params, refreshSeconds = j.refreshSeconds;
  var hashrate = j.hashrate, difficulty = j.difficulty, integer = j.integer, percent = j.percent, age = j.age;
  var duration = j.duration, clock = j.clock, dateTime = j.dateTime;
  var byId = j.byId, setText = j.setText, cell = j.cell, fillTable = j.fillTable, showError = j.showError;
  var fetchJson = j.fetchJson, svg = j.svg, niceStep = j.niceStep;
  var refreshes = 0;

  // ---- chart ----

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
    j.passthrough.render(passthrough, now);

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

  function refreshPool() {
    return Promise.all([fetchJson('/api/pool'), fetchJson('/api/users'), fetchJson('/api/blocks?limit=20'),
      fetchJson('/api/pool/history'), fetchUpstreams(), j.passthrough.fetch()])
      .then(function (r) {
        return j.schedule.fetch(r[4]).then(function (schedule) { r.push(schedule); return r; });
      })
      .then(function (r) {
        renderPool(r[0], r[1], r[2], r[3], r[4], r[5]); j.schedule.render(r[6]); showError(''); updated();
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
    byId('schedule-form').addEventListener('submit', j.schedule.submitWeights);
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

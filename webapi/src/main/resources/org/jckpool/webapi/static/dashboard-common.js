// jckpool dashboard, shared part: formatting, DOM and fetch helpers on window.jckpool, which the panel scripts
// (dashboard-passthrough.js, dashboard-schedule.js) and dashboard.js use. Loaded first. No libraries.
(function () {
  'use strict';

  var params = new URLSearchParams(window.location.search);
  var refreshSeconds = Math.min(300, Math.max(1, parseFloat(params.get('refresh')) || 5));
  var SVG_NS = 'http://www.w3.org/2000/svg';

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

  function percent(p) {
    return (p === null || p === undefined || !isFinite(p)) ? '–' : Number(p).toFixed(2) + ' %';
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

  // ---- SVG (the hashrate and split charts) ----

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

  window.jckpool = {
    params: params, refreshSeconds: refreshSeconds,
    siScaled: siScaled, hashrate: hashrate, difficulty: difficulty, integer: integer, percent: percent, age: age,
    duration: duration, clock: clock, dateTime: dateTime,
    byId: byId, setText: setText, cell: cell, fillTable: fillTable, showError: showError, fetchJson: fetchJson,
    svg: svg, niceStep: niceStep
  };
})();

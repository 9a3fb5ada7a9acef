// jckpool dashboard, passthrough panel (/api/passthrough): the relay's upstream link, a pool's downstream
// instances and trusted remotes, a trusted remote's link. Adds window.jckpool.passthrough; needs dashboard-common.js.
(function () {
  'use strict';

  var j = window.jckpool;
  var byId = j.byId, setText = j.setText, cell = j.cell, fillTable = j.fillTable, fetchJson = j.fetchJson;
  var integer = j.integer, age = j.age, dateTime = j.dateTime;

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

  // /api/passthrough answers 404 from a server that has no passthrough status; asked once too.
  var noPassthrough = false;

  function fetchPassthrough() {
    if (noPassthrough) { return Promise.resolve(null); }
    return fetchJson('/api/passthrough').catch(function (e) {
      if (e.status === 404) { noPassthrough = true; return null; }
      throw e;
    });
  }

  j.passthrough = { render: renderPassthrough, fetch: fetchPassthrough };
})();

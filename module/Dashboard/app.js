// The VmEventOps dashboard: plain JavaScript, no library, no network but its own API.
// Every value from the API (events, messages, errors, VM names) is attacker-controlled: it reaches the page only as
// text (createTextNode / textContent), never as HTML, and only this file's own constant markup builds elements.
'use strict';
(function () {
  const main = document.getElementById('main');
  const SVG = 'http://www.w3.org/2000/svg';
  const colors = { Succeeded: '#1a7f37', RetryScheduled: '#bf8700', DeadLettered: '#cf222e' };
  const states = ['InProgress', 'RunbookStarted', 'Succeeded', 'Failed', 'DeadLettered'];

  // The access token arrives in the URL's fragment (never sent to a server), is kept for this tab only, and leaves the address bar.
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
  if (fragment.get('token')) {
    sessionStorage.setItem('vmeventops-token', fragment.get('token'));
    history.replaceState(null, '', location.pathname + location.search + '#/health');
  }
  const token = sessionStorage.getItem('vmeventops-token');

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === 'text') node.textContent = String(value);
      else if (name === 'on') for (const [type, handler] of Object.entries(value)) node.addEventListener(type, handler);
      else if (name === 'class') node.className = value;
      else node.setAttribute(name, value === true ? '' : String(value));
    }
    append(node, ...children);
    return node;
  }
  function append(node, ...children) {
    for (const child of children.flat()) {
      if (child === null || child === undefined || child === false) continue;
      node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }
  function svg(tag, attributes, ...children) {
    const node = document.createElementNS(SVG, tag);
    for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, String(value));
    for (const child of children) node.appendChild(child instanceof Node ? child : document.createTextNode(String(child)));
    return node;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }

  // Times: UTC first, the browser's local time beside it.
  function pad(n) { return String(n).padStart(2, '0'); }
  function utc(date) { return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())} UTC`; }
  function local(date) { return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())} local`; }
  function time(text) {
    if (!text) return el('span', { class: 'muted', text: '—' });
    const date = new Date(text);
    if (isNaN(date)) return el('span', { text });
    return el('time', { datetime: date.toISOString(), title: local(date) }, utc(date), el('br'), el('span', { class: 'muted small', text: local(date) }));
  }
  function age(seconds) {
    if (seconds === null || seconds === undefined) return '—';
    if (seconds < 120) return `${seconds} s`;
    if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
    return `${(seconds / 3600).toFixed(1)} h`;
  }
  function badge(text) { return el('span', { class: `badge ${/^[A-Za-z]+$/.test(text || '') ? text : ''}`, text: text || '—' }); }
  function vmLink(id, name) { return el('a', { href: '#/vm?id=' + encodeURIComponent(id), text: name || id }); }
  function loading(what) { return el('p', { class: 'loading', role: 'status', text: `Loading ${what}…` }); }
  function problem(error) {
    // 401 comes only from the Function app's UI route (App Service Authentication): offer its sign-in page.
    const signIn = error.status === 401
      ? el('p', {}, el('a', { href: '/.auth/login/aad?post_login_redirect_uri=' + encodeURIComponent(location.pathname), text: 'Sign in' })) : null;
    return el('div', { class: 'error', role: 'alert' }, el('strong', { text: error.code || 'Error' }), ': ', error.message || String(error), signIn);
  }

  async function api(action, { query, body } = {}) {
    const url = new URL('api/' + action, location.href);
    url.hash = '';
    for (const [name, value] of Object.entries(query || {})) if (value !== '' && value !== null && value !== undefined) url.searchParams.set(name, value);
    const headers = { 'X-VmEventOps-Request': 'dashboard', 'Accept': 'application/json' };
    if (token) headers['X-VmEventOps-Token'] = token;
    if (body) headers['Content-Type'] = 'application/json';
    let response;
    try {
      response = await fetch(url, { method: body ? 'POST' : 'GET', headers, body: body ? JSON.stringify(body) : undefined, credentials: 'same-origin', cache: 'no-store' });
    } catch (e) {
      throw { code: 'Network', message: 'The dashboard\'s server does not answer: ' + e.message };
    }
    let json = null;
    try { json = await response.json(); } catch (e) { json = null; }
    if (!response.ok) throw Object.assign({ status: response.status }, (json && json.error) || { code: 'HTTP ' + response.status, message: response.statusText });
    return json;
  }

  function confirmAction(text) {
    const dialog = document.getElementById('confirm');
    document.getElementById('confirm-text').textContent = text;
    return new Promise(resolve => {
      dialog.addEventListener('close', () => resolve(dialog.returnValue === 'ok'), { once: true });
      dialog.returnValue = 'cancel';
      dialog.showModal();
      document.getElementById('confirm-cancel').focus();
    });
  }

  function table(columns, rows, rowOf) {
    return el('div', { class: 'scroll' }, el('table', {},
      el('thead', {}, el('tr', {}, columns.map(c => el('th', { scope: 'col', text: c })))),
      el('tbody', {}, rows.length ? rows.map(r => labelled(rowOf(r), columns)) : el('tr', {}, el('td', { colspan: columns.length, class: 'muted', text: 'Nothing here.' })))));
  }
  // Each cell names its column: a narrow window shows a row as a card of labelled cells.
  function labelled(row, columns) {
    [...row.children].forEach((cell, i) => { if (columns[i]) cell.setAttribute('data-label', columns[i]); });
    return row;
  }

  // ---- Health
  async function health(view) {
    append(view, el('h1', { text: 'Health' }), loading('the queues'));
    const data = await api('health', { query: { hours: 24 } });
    clear(view).appendChild(el('h1', { text: 'Health' }));
    append(view, el('p', {}, data.healthy ? badge('ok') : el('span', { class: 'badge bad', text: 'needs attention' }), ' ', el('span', { class: 'muted', text: 'as of ' }), time(data.now)));
    append(view, el('div', { class: 'cards', id: 'queues' }, data.queues.map(q => el('section', { class: `card ${q.healthy ? 'healthy' : 'unhealthy'}`, 'data-queue': q.queue, 'aria-label': `${q.queue} queue` },
      el('h3', { text: `${q.queue} (${q.name})` }),
      el('div', { class: 'big', text: String(q.approximateCount) }),
      el('div', { class: 'small' }, 'oldest: ', age(q.oldestMessageAgeSeconds), q.threshold === null || q.threshold === undefined ? '' : ` · threshold: ${q.threshold}`),
      el('div', { class: 'small' }, q.healthy ? badge('ok') : el('span', { class: 'badge bad', text: 'unhealthy' }), ' ', q.reason)))));
    append(view, el('h2', { text: 'Onboarding records by state' }),
      el('div', { class: 'cards' }, Object.entries(data.states).map(([state, count]) =>
        el('a', { class: 'card', href: '#/vms?state=' + encodeURIComponent(state) }, el('h3', {}, badge(state)), el('div', { class: 'big', text: String(count) })))));
    append(view, el('h2', { text: 'Outcomes per hour, last 24 hours (retries and poison are the trends to watch)' }), chart(data.outcomes));
  }

  function chart(outcomes) {
    const names = Object.keys(outcomes.series);
    const hours = outcomes.hours;
    const totals = hours.map((_, i) => names.reduce((sum, n) => sum + outcomes.series[n][i], 0));
    const max = Math.max(1, ...totals);
    const width = 960, height = 200, left = 34, bottom = 22, barWidth = (width - left) / hours.length;
    const plot = svg('svg', { viewBox: `0 0 ${width} ${height + bottom}`, role: 'img', 'aria-label': 'Outcomes per hour', preserveAspectRatio: 'none' });
    plot.appendChild(svg('text', { x: 0, y: 12, 'font-size': 11, fill: '#59636e' }, String(max)));
    plot.appendChild(svg('line', { x1: left, y1: height, x2: width, y2: height, stroke: '#d0d7de' }));
    hours.forEach((hour, i) => {
      let y = height;
      for (const name of names) {
        const count = outcomes.series[name][i];
        if (!count) continue;
        const h = count / max * (height - 16);
        y -= h;
        plot.appendChild(svg('rect', { x: left + i * barWidth + 2, y, width: Math.max(1, barWidth - 4), height: h, fill: colors[name] || '#0a5bd3' },
          svg('title', {}, `${utc(new Date(hour))}: ${count} ${name}`)));
      }
      if (i % 3 === 0) plot.appendChild(svg('text', { x: left + i * barWidth, y: height + 15, 'font-size': 11, fill: '#59636e' }, `${pad(new Date(hour).getUTCHours())}:00`));
    });
    const sums = names.map(n => `${n}: ${outcomes.series[n].reduce((a, b) => a + b, 0)}`).join(', ');
    return el('figure', { class: 'chart', id: 'outcomes' }, plot,
      el('figcaption', { class: 'legend' }, names.map(n => { const s = el('span', { text: n }); s.style.setProperty('--c', colors[n] || '#0a5bd3'); return s; }),
        el('span', { class: 'muted', text: `(UTC hours) ${sums}` })));
  }

  // ---- VMs
  async function vms(view, params) {
    const query = { state: params.get('state') || '', scope: params.get('scope') || '', text: params.get('text') || '', page: params.get('page') || '1', pageSize: 50 };
    const go = changes => { const next = new URLSearchParams(); for (const [k, v] of Object.entries({ ...query, ...changes })) if (v && k !== 'pageSize') next.set(k, v); location.hash = '#/vms?' + next; };
    const form = el('form', { class: 'filters', role: 'search', on: { submit: e => { e.preventDefault(); go({ state: form.state.value, scope: form.scope.value.trim(), text: form.text.value.trim(), page: '1' }); } } },
      el('label', {}, 'State', el('select', { name: 'state', id: 'filter-state' }, el('option', { value: '', text: 'any' }), states.map(s => el('option', { value: s, selected: s === query.state, text: s })))),
      el('label', {}, 'Scope (resource ID prefix)', el('input', { type: 'text', name: 'scope', id: 'filter-scope', value: query.scope, placeholder: '/subscriptions/…/resourceGroups/…' })),
      el('label', {}, 'Text', el('input', { type: 'search', name: 'text', id: 'filter-text', value: query.text, placeholder: 'name, error, job' })),
      el('button', { type: 'submit', class: 'primary', id: 'filter-apply', text: 'Filter' }));
    append(view, el('h1', { text: 'VMs' }), form, loading('the onboarding records'));
    const data = await api('records', { query });
    view.removeChild(view.lastChild);
    const first = data.total === 0 ? 0 : (data.page - 1) * data.pageSize + 1;
    const last = Math.min(data.total, data.page * data.pageSize);
    const pager = el('div', { class: 'pager' },
      el('button', { type: 'button', id: 'page-prev', disabled: data.page <= 1, on: { click: () => go({ page: String(data.page - 1) }) }, text: '← Previous' }),
      el('span', { id: 'page-info', text: `${first}–${last} of ${data.total}` }),
      el('button', { type: 'button', id: 'page-next', disabled: last >= data.total, on: { click: () => go({ page: String(data.page + 1) }) }, text: 'Next →' }));
    append(view, pager, table(['VM', 'State', 'Attempts', 'Last error', 'Job', 'Due retry', 'Updated'], data.items, r => el('tr', {},
      el('td', {}, vmLink(r.vmResourceId, r.vmName), el('div', { class: 'muted small mono', text: r.vmResourceId })),
      el('td', {}, badge(r.state)), el('td', { text: String(r.attempts) }), el('td', { class: 'wrap', text: r.lastError || '' }),
      el('td', { class: 'mono small', text: r.jobId || '' }), el('td', {}, time(r.nextAttemptOn)), el('td', {}, time(r.updatedOn)))));
  }

  // ---- A VM
  async function vm(view, params) {
    const id = params.get('id') || '';
    const form = el('form', { class: 'filters', on: { submit: e => { e.preventDefault(); location.hash = '#/vm?id=' + encodeURIComponent(form.vm.value.trim()); } } },
      el('label', {}, 'VM resource ID', el('input', { type: 'text', name: 'vm', id: 'vm-id', class: 'wide', value: id, required: true, placeholder: '/subscriptions/…/providers/Microsoft.Compute/virtualMachines/…' })),
      el('button', { type: 'submit', class: 'primary', text: 'Show' }));
    append(view, el('h1', { text: 'A VM' }), form);
    if (!id) { append(view, el('p', { class: 'muted', text: 'Pick a VM in the VMs view, or paste its resource ID.' })); return; }
    append(view, loading('its trail'));
    const data = await api('trail', { query: { vmResourceId: id } });
    view.removeChild(view.lastChild);
    const record = data.record;
    const trace = data.traceId ? (data.traceLink && /^https:\/\//.test(data.traceLink)
      ? el('a', { href: data.traceLink, rel: 'noopener noreferrer', target: '_blank', class: 'mono', text: data.traceId }) : el('span', { class: 'mono', text: data.traceId })) : '—';
    append(view, el('h2', { id: 'vm-name', text: data.vmName }), el('dl', { class: 'facts' },
      el('dt', { text: 'Resource ID' }), el('dd', { class: 'mono', text: data.vmResourceId }),
      el('dt', { text: 'State' }), el('dd', {}, record ? badge(record.state) : el('span', { class: 'muted', text: 'no onboarding record' })),
      el('dt', { text: 'Attempts' }), el('dd', { text: record ? String(record.attempts) : '—' }),
      el('dt', { text: 'Last error' }), el('dd', { text: record && record.lastError ? record.lastError : '—' }),
      el('dt', { text: 'Runbook job' }), el('dd', { class: 'mono', text: record && record.jobId ? record.jobId : '—' }),
      el('dt', { text: 'Due retry' }), el('dd', {}, time(record && record.nextAttemptOn)),
      el('dt', { text: 'Trace id' }), el('dd', {}, trace)));
    append(view, rerun(id));
    if (data.job) {
      const job = data.job;
      append(view, el('section', { id: 'job', 'aria-label': 'Runbook job' }, el('h2', { text: 'Runbook job' }),
        job.error ? el('div', { class: 'error', text: job.error }) : [
          el('dl', { class: 'facts' },
            el('dt', { text: 'Job' }), el('dd', { class: 'mono', text: `${job.jobId} (${job.runbookName})` }),
            el('dt', { text: 'Status' }), el('dd', {}, badge(job.status)),
            el('dt', { text: 'Started' }), el('dd', {}, time(job.startTime)),
            el('dt', { text: 'Ended' }), el('dd', {}, time(job.endTime)),
            job.exception ? [el('dt', { text: 'Exception' }), el('dd', { text: job.exception })] : null),
          el('details', { open: job.output.length > 0 && job.output.length <= 20 }, el('summary', { text: `output (${job.output.length} line(s))` }),
            el('pre', { class: 'mono output', text: job.output.join('\n') || '(none)' })),
          job.errors.length ? el('details', { open: true }, el('summary', { text: `errors (${job.errors.length})` }), el('pre', { class: 'mono output', text: job.errors.join('\n') })) : null,
        ]));
    }
    append(view, el('h2', { text: 'Timeline' }), el('ol', { class: 'timeline', id: 'timeline' }, data.entries.length ? data.entries.map(entry => {
      const tone = /Succeeded|Completed/.test(entry.status) ? 'ok' : /DeadLettered|Failed|Poison/.test(entry.status + entry.source) ? 'bad' : /Retry/.test(entry.status) ? 'warn' : '';
      return el('li', { class: tone },
        el('div', { class: 'head' }, time(entry.time), el('strong', { text: entry.source }), badge(entry.status),
          entry.attempt ? el('span', { text: `attempt ${entry.attempt}` }) : null,
          entry.jobId ? el('span', { class: 'mono small', text: `job ${entry.jobId}` }) : null,
          entry.messageId ? el('span', { class: 'mono small muted', text: `message ${entry.messageId}` }) : null),
        entry.reason ? el('div', { class: 'reason', text: entry.reason }) : null,
        entry.history && entry.history.length ? el('details', {}, el('summary', { text: `history (${entry.history.length})` }),
          el('ul', {}, entry.history.map(h => el('li', {}, time(h.time), ' ', el('strong', { text: h.stage }), h.error ? ': ' : '', h.error || '')))) : null);
    }) : el('li', { class: 'muted', text: 'Nothing is known about this VM.' })));
  }

  function rerun(id) {
    const force = el('input', { type: 'checkbox', id: 'rerun-force' });
    const out = el('div', { role: 'status', 'aria-live': 'polite', id: 'rerun-result' });
    const button = el('button', { type: 'button', class: 'danger', id: 'rerun', text: 'Re-run onboarding', on: { click: async () => {
      if (!await confirmAction(`Onboard ${id} again now${force.checked ? ', with force (even if it was onboarded)' : ''}?`)) return;
      button.disabled = true; clear(out).appendChild(loading('the workflow'));
      try {
        const r = await api('onboard', { body: { vmResourceId: id, force: force.checked } });
        clear(out).appendChild(el('div', { class: 'result' }, 'Outcome: ', badge(r.outcome), r.reason ? ` — ${r.reason}` : '', r.jobId ? ` (job ${r.jobId})` : ''));
      } catch (e) { clear(out).appendChild(problem(e)); } finally { button.disabled = false; }
    } } });
    return el('section', { 'aria-label': 'Re-run' }, el('h2', { text: 'Re-run' }), el('div', { class: 'pager' }, button, el('label', { class: 'inline', for: 'rerun-force' }, force, 'force')), out);
  }

  // ---- Fix
  async function fix(view) {
    append(view, el('h1', { text: 'Fix' }), loading('the poison queue'));
    const data = await api('poison');
    view.removeChild(view.lastChild);
    const selected = new Set();
    const out = el('div', { role: 'status', 'aria-live': 'polite', id: 'requeue-result' });
    const force = el('input', { type: 'checkbox', id: 'requeue-force' });
    const button = el('button', { type: 'button', class: 'danger', id: 'requeue', disabled: true, text: 'Re-queue selected' });
    const update = () => { button.disabled = selected.size === 0; button.textContent = `Re-queue selected (${selected.size})`; };
    button.addEventListener('click', async () => {
      const ids = [...selected];
      if (!await confirmAction(`Re-queue ${ids.length} poison message(s)${force.checked ? ' and onboard them now with force' : ' to the main queue'}?`)) return;
      button.disabled = true; clear(out).appendChild(loading('the re-queue'));
      try {
        const r = await api('requeue', { body: { messageIds: ids, force: force.checked } });
        clear(out).appendChild(el('div', { class: 'result' }, el('ul', {}, r.results.map(x => el('li', {},
          el('span', { class: 'mono', text: x.messageId }), ': ',
          !x.found ? 'not in the poison queue any more' : x.result ? ['onboarded now: ', badge(x.result.outcome), x.result.reason ? ` — ${x.result.reason}` : ''] : `re-queued as ${x.newMessageId}`)))));
        // The messages that left poison stay listed, greyed and no longer selectable (ids compared as data, never as a selector).
        const gone = new Set(r.results.filter(x => x.found).map(x => x.messageId));
        for (const row of view.querySelectorAll('tbody tr')) {
          if (!gone.has(row.dataset.messageId)) continue;
          row.classList.add('done');
          const box = row.querySelector('input[type=checkbox]');
          if (box) { box.checked = false; box.disabled = true; }
          selected.delete(row.dataset.messageId);
        }
        update();
      } catch (e) { clear(out).appendChild(problem(e)); button.disabled = false; }
    });
    append(view, el('h2', { text: `Poison messages (${data.shown} shown of about ${data.approximateCount})` }),
      el('div', { class: 'pager' }, button, el('label', { class: 'inline', for: 'requeue-force' }, force, 'force (onboard now, even if onboarded)')), out,
      table(['', 'VM', 'Reason', 'Last error', 'Attempts', 'Inserted', 'History'], data.messages, m => {
        const box = el('input', { type: 'checkbox', 'aria-label': `select message ${m.messageId}`, 'data-message-id': m.messageId, on: { change: e => { if (e.target.checked) selected.add(m.messageId); else selected.delete(m.messageId); update(); } } });
        return el('tr', { 'data-message-id': m.messageId },
          el('td', {}, box),
          el('td', {}, m.vmResourceId ? vmLink(m.vmResourceId, m.vmName) : el('span', { class: 'muted', text: '(not an event)' }), el('div', { class: 'mono small muted', text: m.messageId })),
          el('td', { class: 'wrap reason', text: m.reason || (m.parseFailures || []).join(', ') }),
          el('td', { class: 'wrap', text: m.lastError || '' }), el('td', { text: String(m.attempt) }), el('td', {}, time(m.insertedOn)),
          el('td', {}, m.history.length ? el('details', {}, el('summary', { text: `${m.history.length} step(s)` }),
            el('ul', {}, m.history.map(h => el('li', {}, time(h.time), ' ', el('strong', { text: h.stage }), h.error ? ': ' : '', h.error || '')))) : '—'));
      }));
    append(view, el('h2', { text: 'Re-run one VM' }), rerunForm());
    const compliance = el('section', { id: 'compliance', 'aria-label': 'Compliance' }, el('h2', { text: 'Compliance: the VMs in scope that are not onboarded' }), loading('the VMs in scope'));
    append(view, compliance);
    try {
      const [summary, open] = await Promise.all([api('compliance', { query: { summary: 'true' } }), api('compliance', { query: { status: 'Missing,DeadLettered,RetryScheduled,InProgress' } })]);
      compliance.removeChild(compliance.lastChild);
      if (!summary.complete) append(compliance, el('div', { class: 'error', role: 'alert' }, 'Not every scope could be read to its end: ', summary.problems.join('; ')));
      append(compliance, el('div', { class: 'cards' }, summary.summary.map(r => el('div', { class: 'card' }, el('h3', {}, badge(r.status)), el('div', { class: 'big', text: String(r.count) }), el('div', { class: 'small mono', text: r.scope })))));
      append(compliance, table(['VM', 'Status', 'Why', 'Attempts', 'Scope'], open.vms, v => el('tr', {},
        el('td', {}, vmLink(v.vmResourceId, v.vmName)), el('td', {}, badge(v.status)), el('td', { class: 'wrap', text: v.reason }),
        el('td', { text: String(v.attempts) }), el('td', { class: 'mono small', text: v.scope }))));
    } catch (e) { compliance.querySelectorAll('.loading').forEach(n => n.remove()); append(compliance, problem(e)); }
  }

  function rerunForm() {
    const holder = el('div', {});
    const form = el('form', { class: 'filters', on: { submit: e => { e.preventDefault(); clear(holder).appendChild(rerun(form.vm.value.trim())); } } },
      el('label', {}, 'VM resource ID', el('input', { type: 'text', name: 'vm', class: 'wide', required: true })), el('button', { type: 'submit', text: 'Choose' }));
    return el('div', {}, form, holder);
  }

  // ---- Routing
  const views = { health, vms, vm, fix };
  async function route() {
    const [path, queryText] = location.hash.replace(/^#\/?/, '').split('?');
    const name = views[path] ? path : 'health';
    for (const link of document.querySelectorAll('nav a')) link.toggleAttribute('aria-current', false);
    const current = document.querySelector(`nav a[data-view="${name}"]`);
    if (current) current.setAttribute('aria-current', 'page');
    const view = el('section', { id: 'view-' + name, 'aria-busy': 'true' });
    clear(main).appendChild(view);
    document.title = `${name[0].toUpperCase()}${name.slice(1)} · VmEventOps`;
    try { await views[name](view, new URLSearchParams(queryText || '')); }
    catch (e) { view.querySelectorAll('.loading').forEach(n => n.remove()); append(view, problem(e)); }
    finally { view.setAttribute('aria-busy', 'false'); }
  }
  function tick() { const now = new Date(); document.getElementById('clock').textContent = `${utc(now)} · ${local(now)}`; }
  window.addEventListener('hashchange', route);
  tick(); setInterval(tick, 1000);
  route();
})();

// freigabe dashboard: plain browser JavaScript, no framework, no third-party code.
// Reads api/dashboard once, then filters, searches and pages in the browser; only the rows of
// the current page are in the DOM. Texts come from the page (#freigabe-texts, src/i18n/web.ts).
'use strict';

(function () {
  var TEXTS = JSON.parse(document.getElementById('freigabe-texts').textContent);
  var params = new URLSearchParams(location.search);
  // The server's default (German, or `freigabe serve --locale en`); the URL names only a different choice.
  var pageLang = document.documentElement.lang;
  var locale = params.get('lang') === 'en' || (params.get('lang') !== 'de' && document.documentElement.lang === 'en') ? 'en' : 'de';
  var state = {
    data: null,
    index: [],
    query: params.get('q') || '',
    tenant: params.get('tenant') || '',
    filter: params.get('state') || 'all',
    pageSize: Math.min(100, Math.max(1, Math.floor(Number(params.get('size'))) || 25)),
    page: Number(params.get('page')) || 1,
    login: params.get('login') || '',
    auditPage: 1,
  };
  var AUDIT_PAGE = 25;

  function t(key, values) {
    var text = TEXTS[locale][key];
    if (text === undefined) text = key;
    return text.replace(/\{(\w+)\}/g, function (m, name) {
      return values && values[name] !== undefined ? String(values[name]) : m;
    });
  }

  // h('p', { class: 'x', text: '…' }, child, …): children are nodes or strings.
  function h(tag, attrs) {
    var el = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === undefined || v === null || v === false) return;
        if (k === 'text') el.textContent = v;
        else if (k === 'on') Object.keys(v).forEach(function (e) { el.addEventListener(e, v[e]); });
        else el.setAttribute(k, v === true ? '' : String(v));
      });
    }
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined || c === false) continue;
      if (Array.isArray(c)) c.forEach(function (x) { if (x) el.append(x); });
      else el.append(c);
    }
    return el;
  }

  // Links only to http(s): a pull request URL is data, never script.
  function safeUrl(url) {
    return /^https?:\/\//i.test(String(url)) ? url : undefined;
  }

  function byId(id) {
    return document.getElementById(id);
  }

  function formatTime(iso) {
    var d = new Date(iso);
    if (isNaN(d.getTime())) return iso;
    return new Intl.DateTimeFormat(locale === 'de' ? 'de-DE' : 'en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Berlin' }).format(d);
  }

  var BINARY = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };

  // The API's exact strings ("31250m", "64000Mi", "1800.00") shown readably: cores, the largest
  // binary unit with at most two decimals, euros. The exact value stays in the title.
  function formatAmount(dimension, value) {
    if (value === '') return t('noLimit');
    var nf = function (n, digits) {
      return new Intl.NumberFormat(locale === 'de' ? 'de-DE' : 'en-GB', { minimumFractionDigits: digits, maximumFractionDigits: 2 }).format(n);
    };
    if (dimension === 'budgetPerMonth') return nf(Number(value), 2);
    if (dimension === 'cpu') return nf(/m$/.test(value) ? Number(value.slice(0, -1)) / 1000 : Number(value), 0);
    var m = /^(\d+)(Ki|Mi|Gi|Ti|Pi|Ei)?$/.exec(value);
    if (!m) return value;
    var bytes = Number(m[1]) * Math.pow(1024, m[2] ? BINARY[m[2]] : 0);
    var units = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];
    var i = 0;
    while (i < units.length - 1 && bytes >= Math.pow(1024, i + 1)) i++;
    return nf(bytes / Math.pow(1024, i), 0) + (units[i] ? ' ' + units[i] + 'B' : ' B');
  }

  function stageTitle(name) {
    var s = state.data.stages.find(function (x) { return x.name === name; });
    return s ? s.title : name;
  }

  function syncUrl() {
    var p = new URLSearchParams();
    if (locale !== pageLang || params.get('lang')) p.set('lang', locale);
    if (state.query) p.set('q', state.query);
    if (state.tenant) p.set('tenant', state.tenant);
    if (state.filter !== 'all') p.set('state', state.filter);
    if (state.pageSize !== 25) p.set('size', String(state.pageSize));
    if (state.page > 1) p.set('page', String(state.page));
    if (state.login) p.set('login', state.login);
    var q = p.toString();
    history.replaceState(null, '', location.pathname + (q ? '?' + q : '') + location.hash);
  }

  // ---------------------------------------------------------------------------------------
  // Meine Freigaben

  function renderMine() {
    var out = byId('mine-result');
    var count = byId('mine-count');
    out.replaceChildren();
    if (!state.login) {
      count.textContent = t('minePick');
      return;
    }
    var who = state.login.toLowerCase();
    var items = state.data.freigaben.filter(function (f) {
      return f.approvers.some(function (a) { return a.login.toLowerCase() === who; });
    });
    count.textContent = items.length === 0 ? t('mineNone', { login: state.login }) : items.length === 1 ? t('mineCountOne', { login: state.login }) : t('mineCount', { n: items.length, login: state.login });
    if (items.length === 0) return;
    var rows = items.map(function (f) {
      var me = f.approvers.find(function (a) { return a.login.toLowerCase() === who; });
      var role = me.vertretung ? (me.until ? t('asVertretung', { until: me.until }) : t('asVertretungOpen')) : t('asVv');
      return h('tr', null,
        h('th', { scope: 'row' }, f.verfahren),
        h('td', null, stageTitle(f.stage)),
        h('td', null, f.pullRequest ? h('a', { href: safeUrl(f.pullRequest.url) }, t('pullRequest', { n: f.pullRequest.number })) : t('kindPending'),
          f.pullRequest ? h('span', { class: 'sub' }, ' – ' + f.pullRequest.title) : null),
        h('td', null, h('ul', { class: 'plain' }, f.components.map(function (c) {
          return h('li', null, h('span', { class: 'comp' }, c.name + ': '), h('code', null, shortImage(c.from)), ' → ', h('code', null, shortImage(c.to)));
        }))),
        h('td', null, role));
    });
    out.append(h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'mine-caption' },
      h('table', null,
        h('caption', { id: 'mine-caption' }, t('mineCaption', { login: state.login })),
        h('thead', null, h('tr', null, [t('verfahren'), t('stage'), t('kind'), t('change'), t('role')].map(function (c) { return h('th', { scope: 'col' }, c); }))),
        h('tbody', null, rows))));
  }

  // ---------------------------------------------------------------------------------------
  // Matrix

  function shortImage(image) {
    var at = image.indexOf('@');
    var name = at >= 0 ? image.slice(0, at) : image;
    var slash = name.lastIndexOf('/');
    var short = name.slice(slash + 1);
    return at >= 0 ? short + '@' + image.slice(at + 1, at + 1 + 'sha256:'.length + 12) + '…' : short;
  }

  var MARK = { same: '=', different: '≠', absent: '+' };
  var PHASE_MARK = { synced: '✔', progressing: '↻', degraded: '✖', 'out-of-sync': '≠', unknown: '?', unreachable: '⚠' };

  function cellContent(cell) {
    if (!cell.booked) return [h('span', { class: 'muted' }, t('notBooked'))];
    var parts = [];
    parts.push(h('ul', { class: 'comps' }, cell.components.map(function (c) {
      var version = c.tag || (c.digest ? '' : c.image);
      return h('li', null,
        h('span', { class: 'comp' }, c.name),
        ' ',
        version ? h('span', { class: 'ver' }, version) : null,
        c.digest ? h('code', { class: 'digest', title: c.image }, c.digest.slice(0, 'sha256:'.length + 12)) : h('span', { class: 'warn-text' }, ' (' + t('unpinned') + ')'),
        c.previous ? h('span', { class: 'cmp cmp-' + c.previous }, MARK[c.previous] + ' ' + t(c.previous)) : null);
    })));
    if (cell.workload) {
      var w = cell.workload;
      var detail = [w.health, w.sync].filter(Boolean).join(', ');
      parts.push(h('p', { class: 'wl phase-' + w.phase, title: w.message || undefined },
        h('span', { 'aria-hidden': 'true' }, PHASE_MARK[w.phase] + ' '),
        t('agent_' + w.agent) + ': ' + t('phase_' + w.phase) + (detail ? ' (' + detail + ')' : '') + (w.message && w.phase !== 'synced' ? ' – ' + w.message : '')));
    } else if (state.data.sources.clusters) {
      parts.push(h('p', { class: 'wl muted' }, t('noStatus')));
    }
    if (cell.pullRequest) parts.push(h('p', { class: 'pr' }, h('a', { href: safeUrl(cell.pullRequest.url) }, t('pullRequest', { n: cell.pullRequest.number }))));
    return parts;
  }

  function matches(entry) {
    var v = entry.v;
    if (state.tenant && v.tenant !== state.tenant) return false;
    if (state.query && entry.text.indexOf(state.query.toLowerCase()) < 0) return false;
    if (state.filter === 'differs') return v.cells.some(function (c) { return c.booked && !c.matchesPrevious; });
    if (state.filter === 'unhealthy') return v.cells.some(function (c) { return c.workload && c.workload.phase !== 'synced'; });
    if (state.filter === 'pull') return v.cells.some(function (c) { return c.pullRequest; });
    return true;
  }

  function renderMatrix() {
    var found = state.index.filter(matches);
    var pages = Math.max(1, Math.ceil(found.length / state.pageSize));
    if (state.page > pages) state.page = pages;
    if (state.page < 1) state.page = 1;
    var first = (state.page - 1) * state.pageSize;
    var rows = found.slice(first, first + state.pageSize).map(function (entry) {
      var v = entry.v;
      return h('tr', null,
        h('th', { scope: 'row' },
          h('span', { class: 'fv' }, v.name),
          h('span', { class: 'sub line' }, v.title),
          h('span', { class: 'sub line' }, t('tenant') + ': ' + v.tenant)),
        v.cells.map(function (c) { return h('td', null, cellContent(c)); }));
    });
    byId('matrix-body').replaceChildren.apply(byId('matrix-body'), rows);
    byId('matrix-count').textContent = found.length === 0 ? t('resultNone') : t('resultCount', { n: found.length, total: state.index.length });
    byId('page-info').textContent = t('page', { page: state.page, pages: pages });
    byId('prev').disabled = state.page <= 1;
    byId('next').disabled = state.page >= pages;
    syncUrl();
  }

  // ---------------------------------------------------------------------------------------
  // Kontingent

  function renderTenants() {
    var list = state.data.tenants.filter(function (x) { return !state.tenant || x.name === state.tenant; });
    return list.map(function (tenant) {
      var capId = 'k-' + tenant.name;
      var rows = tenant.bars.map(function (b) {
        var dim = t('dim_' + b.dimension);
        var label = b.stage ? t('ceiling', { dimension: dim, stage: stageTitle(b.stage) }) : dim;
        var fill = h('span', { class: 'fill level-' + b.level });
        fill.style.width = Math.min(100, b.percent || 0) + '%';
        var mark = b.level === 'exceeded' ? '✖ ' : b.level === 'warning' ? '⚠ ' : '';
        return h('tr', { class: 'level-' + b.level },
          h('th', { scope: 'row' }, label),
          h('td', { class: 'num', title: b.used }, formatAmount(b.dimension, b.used)),
          h('td', { class: 'num', title: b.limit || undefined }, formatAmount(b.dimension, b.limit)),
          h('td', { class: 'share' },
            h('span', { class: 'bar', 'aria-hidden': 'true' }, fill, h('span', { class: 'tick' })),
            h('span', { class: 'pct' }, b.percent === null ? '–' : t('percent', { n: b.percent })),
            ' ',
            h('span', { class: 'level' }, mark + t('level_' + b.level))));
      });
      return h('div', { class: 'table-wrap tenant', tabindex: '0', role: 'region', 'aria-labelledby': capId },
        h('table', null,
          h('caption', { id: capId }, t('kontingentCaption', { tenant: tenant.title }), h('span', { class: 'sub' }, ' (' + tenant.name + ', ' + t('fvCount', { n: tenant.verfahren }) + ')')),
          h('thead', null, h('tr', null, [t('dimension'), t('used'), t('limit'), t('share')].map(function (c) { return h('th', { scope: 'col' }, c); }))),
          h('tbody', null, rows)));
    });
  }

  // ---------------------------------------------------------------------------------------
  // Audit

  function renderAudit() {
    var box = byId('audit-result');
    box.replaceChildren();
    var all = state.data.audit;
    if (!state.data.sources.audit) return box.append(h('p', null, t('auditUnavailable')));
    if (all.length === 0) return box.append(h('p', null, t('auditNone')));
    var pages = Math.max(1, Math.ceil(all.length / AUDIT_PAGE));
    state.auditPage = Math.min(Math.max(1, state.auditPage), pages);
    var shown = all.slice((state.auditPage - 1) * AUDIT_PAGE, state.auditPage * AUDIT_PAGE);
    var rows = shown.map(function (e) {
      return h('tr', { class: e.notfall ? 'notfall' : null },
        h('td', null, h('time', { datetime: e.date }, formatTime(e.date))),
        h('td', null, stageTitle(e.stage)),
        h('td', null, e.verfahren.length ? e.verfahren.join(', ') : h('span', { class: 'muted' }, t('onlyBootstrap')),
          e.notfall ? h('strong', { class: 'notfall-mark' }, ' ⚠ ' + t('notfall')) : null),
        h('td', null, e.approvedBy.length ? h('ul', { class: 'plain' }, e.approvedBy.map(function (a) {
          return h('li', null, a.login + ' ', h('span', { class: 'sub' }, formatTime(a.at)));
        })) : h('span', { class: 'muted' }, t('nobody'))),
        h('td', null, e.pullRequest || '–', e.source ? h('code', { class: 'sub' }, ' ' + e.source.slice(0, 12)) : null),
        h('td', null, h('code', null, e.commit.slice(0, 12))));
    });
    box.append(h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'audit-caption' },
      h('table', null,
        h('caption', { id: 'audit-caption' }, t('auditCaption')),
        h('thead', null, h('tr', null, [t('when'), t('stage'), t('what'), t('approvedBy'), t('source'), 'Commit'].map(function (c) { return h('th', { scope: 'col' }, c); }))),
        h('tbody', null, rows))));
    if (pages > 1) {
      box.append(h('nav', { class: 'paging', 'aria-label': t('audit') + ': ' + t('paging') },
        h('button', { type: 'button', id: 'audit-prev', disabled: state.auditPage <= 1, on: { click: function () { state.auditPage--; renderAudit(); byId('audit-prev').focus(); } } }, t('previous')),
        h('span', null, t('page', { page: state.auditPage, pages: pages })),
        h('button', { type: 'button', id: 'audit-next', disabled: state.auditPage >= pages, on: { click: function () { state.auditPage++; renderAudit(); byId('audit-next').focus(); } } }, t('next'))));
    }
  }

  // ---------------------------------------------------------------------------------------
  // The page

  function select(id, label, options, value, onChange) {
    return h('div', { class: 'field' },
      h('label', { for: id }, label),
      h('select', { id: id, on: { change: onChange } }, options.map(function (o) {
        return h('option', { value: o[0], selected: o[0] === String(value) }, o[1]);
      })));
  }

  var searchTimer;

  // A size from the URL (?size=) that is not one of the offered ones is offered too.
  function pageSizes() {
    var sizes = [10, 25, 50, 100];
    if (sizes.indexOf(state.pageSize) < 0) sizes.push(state.pageSize);
    return sizes.sort(function (a, b) { return a - b; });
  }

  function renderAll() {
    var d = state.data;
    document.documentElement.lang = locale;
    document.title = t('title');
    byId('title').textContent = t('title');
    document.querySelector('.skip').textContent = t('skip');
    byId('lang').setAttribute('aria-label', t('language'));
    document.querySelectorAll('#lang button').forEach(function (b) { b.setAttribute('aria-pressed', String(b.dataset.lang === locale)); });
    byId('meta').textContent = [d.repository ? t('repository', { name: d.repository }) : null, t('generated', { time: formatTime(d.generatedAt) })].filter(Boolean).join(' · ');
    var notes = [];
    if (!d.sources.clusters) notes.push(t('clustersUnavailable'));
    if (!d.sources.pullRequests) notes.push(t('pullsUnavailable'));
    byId('status').textContent = notes.join(' ');

    var tenants = [['', t('allTenants')]].concat(d.tenants.map(function (x) { return [x.name, x.title]; }));
    var app = byId('app');
    app.replaceChildren(
      h('nav', { class: 'sections', 'aria-label': t('nav') }, h('ul', null,
        [['mine', t('mine')], ['matrix', t('matrix')], ['kontingent', t('kontingent')], ['audit', t('audit')]].map(function (s) {
          return h('li', null, h('a', { href: '#' + s[0] }, s[1]));
        }))),
      h('section', { id: 'mine', 'aria-labelledby': 'mine-h' },
        h('h2', { id: 'mine-h' }, t('mine')),
        h('p', null, t('mineIntro')),
        select('person', t('person'), [['', t('personNone')]].concat(d.people.map(function (p) { return [p, p]; })), state.login, function (e) {
          state.login = e.target.value;
          renderMine();
          syncUrl();
        }),
        h('p', { id: 'mine-count', class: 'count', role: 'status' }),
        h('div', { id: 'mine-result' })),
      h('section', { id: 'matrix', 'aria-labelledby': 'matrix-h' },
        h('h2', { id: 'matrix-h' }, t('matrix')),
        h('form', { class: 'filters', role: 'search', on: { submit: function (e) { e.preventDefault(); } } },
          h('div', { class: 'field grow' },
            h('label', { for: 'search' }, t('search')),
            h('input', { id: 'search', type: 'search', value: state.query, autocomplete: 'off', on: { input: function (e) {
              clearTimeout(searchTimer);
              var value = e.target.value;
              searchTimer = setTimeout(function () { state.query = value.trim(); state.page = 1; renderMatrix(); }, 120);
            } } })),
          select('tenant', t('tenantFilter'), tenants, state.tenant, function (e) {
            state.tenant = e.target.value;
            state.page = 1;
            renderMatrix();
            byId('tenant-tables').replaceChildren.apply(byId('tenant-tables'), renderTenants());
          }),
          select('state-filter', t('stateFilter'), [['all', t('stateAll')], ['differs', t('stateDiffers')], ['unhealthy', t('stateUnhealthy')], ['pull', t('statePull')]], state.filter, function (e) {
            state.filter = e.target.value;
            state.page = 1;
            renderMatrix();
          }),
          select('page-size', t('pageSize'), pageSizes().map(function (n) { return [String(n), String(n)]; }), state.pageSize, function (e) {
            state.pageSize = Number(e.target.value);
            state.page = 1;
            renderMatrix();
          })),
        h('p', { id: 'matrix-count', class: 'count', role: 'status', 'aria-live': 'polite' }),
        h('div', { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-labelledby': 'matrix-caption' },
          h('table', { class: 'matrix' },
            h('caption', { id: 'matrix-caption' }, t('matrixCaption')),
            h('thead', null, h('tr', null, h('th', { scope: 'col' }, t('verfahren')), d.stages.map(function (s) { return h('th', { scope: 'col' }, s.title); }))),
            h('tbody', { id: 'matrix-body' }))),
        h('nav', { class: 'paging', 'aria-label': t('matrix') + ': ' + t('paging') },
          h('button', { type: 'button', id: 'prev', on: { click: function () { state.page--; renderMatrix(); if (byId('prev').disabled) byId('next').focus(); } } }, t('previous')),
          h('span', { id: 'page-info' }),
          h('button', { type: 'button', id: 'next', on: { click: function () { state.page++; renderMatrix(); if (byId('next').disabled) byId('prev').focus(); } } }, t('next')))),
      h('section', { id: 'kontingent', 'aria-labelledby': 'kontingent-h' },
        h('h2', { id: 'kontingent-h' }, t('kontingent')),
        h('p', null, t('kontingentIntro')),
        h('div', { id: 'tenant-tables', class: 'tenants' }, renderTenants())),
      h('section', { id: 'audit', 'aria-labelledby': 'audit-h' },
        h('h2', { id: 'audit-h' }, t('audit')),
        h('p', null, t('auditIntro')),
        h('div', { id: 'audit-result' })));
    renderMine();
    renderMatrix();
    renderAudit();
  }

  document.querySelectorAll('#lang button').forEach(function (button) {
    button.addEventListener('click', function () {
      locale = button.dataset.lang;
      try { localStorage.setItem('freigabe-lang', locale); } catch (e) { /* private mode */ }
      if (state.data) renderAll();
      syncUrl();
    });
  });

  if (!params.get('lang')) {
    try {
      var stored = localStorage.getItem('freigabe-lang');
      if (stored === 'de' || stored === 'en') locale = stored;
    } catch (e) { /* private mode */ }
  }

  fetch('api/dashboard', { headers: { accept: 'application/json' }, credentials: 'same-origin' })
    .then(function (r) {
      if (!r.ok) throw new Error(r.status + ' ' + r.statusText);
      return r.json();
    })
    .then(function (data) {
      state.data = data;
      // Signed in (the app): "Meine Freigaben" starts with the user's own login.
      var me = document.body.dataset.login;
      if (!state.login && me && data.people.indexOf(me) >= 0) state.login = me;
      state.index = data.verfahren.map(function (v) {
        var images = v.cells.map(function (c) { return c.components.map(function (x) { return x.image; }).join(' '); }).join(' ');
        return { v: v, text: [v.name, v.title, v.tenant, images].join(' ').toLowerCase() };
      });
      renderAll();
      document.body.dataset.ready = 'true';
      // For bench/dashboard.mjs: time from navigation start to the first complete render.
      if (performance.mark) performance.mark('freigabe-rendered');
    })
    .catch(function (error) {
      byId('status').textContent = t('loadFailed', { reason: error.message });
      document.body.dataset.ready = 'error';
    });
})();

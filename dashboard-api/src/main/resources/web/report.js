// Vigil alarm burden page. Plain JavaScript, no dependencies; data is written with textContent only (never as
// HTML). Reads GET /api/v1/reports/alarm-burden (docs/alarm-burden.md) and shows it as an SVG bar chart with a text
// alternative, and as tables. The token is the ward view's (sessionStorage of this tab) or one pasted here.
'use strict';

const SVG = 'http://www.w3.org/2000/svg';
const DAY_MS = 86400000;
const state = { token: sessionStorage.getItem('vigil.token') };
const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v; else e.setAttribute(k, v);
  }
  for (const c of children) if (c != null) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}
function svg(tag, attrs, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, String(v));
  if (text != null) e.textContent = String(text);
  return e;
}
function claimsOf(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(decodeURIComponent(escape(atob(part))));
  } catch (e) { return null; }
}

function showLogin(message) {
  state.token = null;
  sessionStorage.removeItem('vigil.token');
  $('report').hidden = true;
  $('logout').hidden = true;
  $('user').textContent = '';
  $('login').hidden = false;
  $('login-error').textContent = message || '';
}
function showReport() {
  const claims = claimsOf(state.token) || {};
  $('user').textContent = (claims.sub || '') + (Array.isArray(claims.roles) ? ' (' + claims.roles.join(', ') + ')' : '');
  $('login').hidden = true;
  $('logout').hidden = false;
  $('report').hidden = false;
}

const fixed = (v, d) => (v == null ? '–' : Number(v).toFixed(d));
const duration = (s) => (s == null ? '–' : s < 120 ? Math.round(s) + ' s' : (s / 60).toFixed(1) + ' min');
const percent = (v) => (v == null ? '–' : (100 * v).toFixed(0) + ' %');
const label = (r) => [r.careUnit || 'no unit', r.deviceType === 'infusion_pump' ? 'pumps'
  : r.deviceType === 'dialysis' ? 'dialysis' : 'unknown type', r.alertType.replace(/_/g, ' ')].join(' · ');

function query() {
  const from = $('from').value;
  const to = $('to').value;
  const params = new URLSearchParams();
  params.set('from', new Date(from + 'T00:00:00Z').toISOString());
  params.set('to', new Date(new Date(to + 'T00:00:00Z').getTime() + DAY_MS).toISOString());
  if ($('care-unit').value.trim()) params.set('careUnit', $('care-unit').value.trim());
  if ($('device-type').value) params.set('deviceType', $('device-type').value);
  return params.toString();
}

async function load() {
  $('report-error').textContent = '';
  $('report-submit').disabled = true;
  try {
    const res = await fetch('/api/v1/reports/alarm-burden?' + query(),
      { headers: { Authorization: 'Bearer ' + state.token } });
    if (res.status === 401) { showLogin('Your token was rejected or has expired. Please sign in again.'); return; }
    if (!res.ok) {
      let p = {};
      try { p = await res.json(); } catch (e) { /* not JSON */ }
      const fields = Array.isArray(p.errors) ? ' ' + p.errors.map((e) => e.field + ': ' + e.message).join('; ') : '';
      $('report-error').textContent = res.status === 403 ? 'This token has no role that may read reports.'
        : res.status === 404 ? 'No such care unit in your scope.'
          : 'The report could not be read (' + (p.detail || res.status) + ').' + fields;
      $('chart-figure').hidden = true;
      $('tables').hidden = true;
      return;
    }
    render(await res.json());
  } catch (e) {
    $('report-error').textContent = 'The report could not be read: ' + e.message;
  } finally {
    $('report-submit').disabled = false;
  }
}

function render(report) {
  $('report-summary').textContent = report.alerts + ' alerts from ' + report.devices + ' devices over '
    + fixed(report.days, 1) + ' days (' + fixed(report.deviceDays, 1) + ' device-days), '
    + report.from.slice(0, 10) + ' to ' + report.to.slice(0, 16).replace('T', ' ') + ' UTC.';
  renderChart(report.rows);
  const body = $('burden-table').tBodies[0];
  body.replaceChildren(...report.rows.map((r) => el('tr', { 'data-alert-type': r.alertType,
    'data-care-unit': r.careUnit || '' },
  el('td', null, r.careUnit || '–'), el('td', null, r.deviceType || '–'), el('td', null, r.alertType),
  el('td', { class: 'num' }, r.alerts), el('td', { class: 'num' }, fixed(r.alertsPerDeviceDay, 3)),
  el('td', { class: 'num' }, r.escalated), el('td', { class: 'num' }, r.latched),
  el('td', { class: 'num acked' }, r.acknowledged), el('td', { class: 'num' }, percent(r.nuisanceShare)),
  el('td', { class: 'num' }, duration(r.ackMedianSeconds)), el('td', { class: 'num' }, duration(r.ackP90Seconds)))));
  if (report.rows.length === 0) {
    body.append(el('tr', null, el('td', { colspan: '11' }, 'No alerts in this range.')));
  }
  $('top-table').tBodies[0].replaceChildren(...report.topDevices.map((d) => el('tr', null,
    el('td', null, d.deviceId), el('td', null, d.careUnit || '–'), el('td', null, d.deviceType || '–'),
    el('td', { class: 'num' }, d.alerts))));
  $('tables').hidden = false;
}

// Horizontal bars: one per row, length = alerts per device-day; the darker left part is the nuisance share.
function renderChart(rows) {
  const shown = rows.filter((r) => r.alertsPerDeviceDay != null);
  const figure = $('chart-figure');
  if (shown.length === 0) { figure.hidden = true; return; }
  const max = Math.max(...shown.map((r) => r.alertsPerDeviceDay)) || 1;
  const labelWidth = 430;
  const barArea = 1000 - labelWidth - 80;
  const rowHeight = 26;
  const height = shown.length * rowHeight + 10;
  const chart = svg('svg', { viewBox: '0 0 1000 ' + height, role: 'img', 'aria-labelledby': 'chart-title chart-desc',
    id: 'burden-svg' });
  chart.append(svg('title', { id: 'chart-title' }, 'Alerts per device-day'));
  chart.append(svg('desc', { id: 'chart-desc' }, shown.map((r) => label(r) + ': ' + fixed(r.alertsPerDeviceDay, 2)
    + ' alerts per device-day, ' + percent(r.nuisanceShare) + ' cleared by itself within 5 minutes').join('; ')));
  shown.forEach((r, i) => {
    const y = 5 + i * rowHeight;
    const w = Math.max(1, barArea * r.alertsPerDeviceDay / max);
    const g = svg('g', { class: 'bar-row' });
    g.append(svg('text', { x: labelWidth - 8, y: y + 17, 'text-anchor': 'end' }, label(r)));
    const bar = svg('rect', { class: 'bar', x: labelWidth, y: y + 3, width: w, height: rowHeight - 8 });
    bar.append(svg('title', null, label(r) + ': ' + fixed(r.alertsPerDeviceDay, 3) + ' per device-day'));
    g.append(bar);
    if (r.nuisanceShare > 0) {
      g.append(svg('rect', { class: 'nuisance', x: labelWidth, y: y + 3, width: w * r.nuisanceShare,
        height: rowHeight - 8 }));
    }
    g.append(svg('text', { x: labelWidth + w + 6, y: y + 17 }, fixed(r.alertsPerDeviceDay, 2)));
    chart.append(g);
  });
  chart.append(svg('line', { class: 'axis', x1: labelWidth, y1: 0, x2: labelWidth, y2: height }));
  $('chart').replaceChildren(chart);
  figure.hidden = false;
}

function start() {
  const today = new Date();
  $('to').value = today.toISOString().slice(0, 10);
  $('from').value = new Date(today.getTime() - 6 * DAY_MS).toISOString().slice(0, 10);
  $('login-form').addEventListener('submit', (ev) => {
    ev.preventDefault();
    state.token = $('token').value.trim();
    sessionStorage.setItem('vigil.token', state.token);
    showReport();
    load();
  });
  $('logout').addEventListener('click', () => showLogin());
  $('report-form').addEventListener('submit', (ev) => { ev.preventDefault(); load(); });
  if (state.token) { showReport(); load(); } else showLogin();
}
document.addEventListener('DOMContentLoaded', start);

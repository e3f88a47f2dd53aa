// Vigil caregivers' page. Plain JavaScript, no dependencies. Data is written with textContent only (never as HTML).
// The token stays in sessionStorage and is sent only in Authorization headers; the event stream is read with fetch,
// because EventSource cannot send headers.
'use strict';

const PRIORITY_RANK = { HIGH: 3, MEDIUM: 2, LOW: 1 };
const FIGURES = [
  ['flowErrorPct', 'Flow error (%)'], ['pressureOffsetMmHg', 'Pressure offset (mmHg)'],
  ['minutesToEmpty', 'Minutes to empty'], ['batteryMinutesLeft', 'Battery minutes left'],
  ['conductivityDivergenceMsCm', 'Conductivity divergence (mS/cm)'],
  ['temperatureDivergenceC', 'Temperature divergence (°C)'], ['acidMinutesLeft', 'Acid minutes left'],
  ['filterHoursLeft', 'Filter hours left']];
const PUMP_FIGURES = ['flowErrorPct', 'pressureOffsetMmHg', 'minutesToEmpty', 'batteryMinutesLeft'];

const state = {
  token: sessionStorage.getItem('vigil.token'),
  claims: null,
  devices: new Map(),   // deviceId -> device view
  alerts: new Map(),    // alertId -> alert view (open ones, plus cleared ones until they drop out)
  stream: null,         // AbortController of the event stream
  deviceId: null,       // device page shown
  settingsVersion: null,
};

const $ = (id) => document.getElementById(id);
function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v;
    else if (k.includes('-')) e.setAttribute(k, v);
    else e[k] = v;
  }
  for (const c of children) if (c != null) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return e;
}

function claimsOf(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(decodeURIComponent(escape(atob(part))));
  } catch (e) { return null; }
}
const hasRole = (r) => !!(state.claims && Array.isArray(state.claims.roles) && state.claims.roles.includes(r));

async function api(path, options = {}) {
  const headers = Object.assign({ Authorization: 'Bearer ' + state.token }, options.headers || {});
  const res = await fetch(path, Object.assign({}, options, { headers }));
  if (res.status === 401) { signOut('Your token was rejected or has expired. Please sign in again.'); throw new Error('401'); }
  return res;
}
async function problemOf(res) {
  try { return await res.json(); } catch (e) { return { status: res.status, detail: res.statusText }; }
}

// ---- sign in ------------------------------------------------------------------------------------------------
async function signIn(token) {
  state.token = token.trim();
  state.claims = claimsOf(state.token);
  const res = await fetch('/api/v1/devices?limit=1', { headers: { Authorization: 'Bearer ' + state.token } });
  if (res.status === 401 || res.status === 403) {
    const p = await problemOf(res);
    state.token = null;
    $('login-error').textContent = res.status === 401
      ? 'This token is not valid (' + (p.detail || 'rejected') + ').'
      : 'This token has no role that may view the ward.';
    return false;
  }
  sessionStorage.setItem('vigil.token', state.token);
  $('login').hidden = true;
  $('nav').hidden = false;
  $('logout').hidden = false;
  $('user').textContent = (state.claims && state.claims.sub) || '';
  await loadAll();
  openStream();
  route();
  return true;
}
function signOut(message) {
  if (state.stream) state.stream.abort();
  state.stream = null;
  state.token = null;
  sessionStorage.removeItem('vigil.token');
  state.devices.clear(); state.alerts.clear();
  for (const id of ['ward', 'alerts', 'device']) $(id).hidden = true;
  $('nav').hidden = true; $('logout').hidden = true; $('user').textContent = '';
  $('login').hidden = false;
  $('login-error').textContent = message || '';
  setLive(false);
}

async function loadAll() {
  let cursor = null;
  do {
    const res = await api('/api/v1/devices?limit=500' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
    if (!res.ok) break;
    const page = await res.json();
    for (const d of page.items) putDevice(d);
    cursor = page.nextCursor;
  } while (cursor);
  const res = await api('/api/v1/alerts?status=open&limit=500');
  if (res.ok) for (const a of (await res.json()).items) state.alerts.set(a.alertId, a);
  renderWard(); renderAlerts();
}
function putDevice(d) {
  state.devices.set(d.deviceId, d);
  for (const a of d.openAlerts || []) {
    const known = state.alerts.get(a.alertId);
    if (!known || (known.updatedAt || '') <= (a.updatedAt || '')) state.alerts.set(a.alertId, a);
  }
}

// ---- live updates -------------------------------------------------------------------------------------------
function setLive(on) { $('live').textContent = on ? 'live' : 'offline'; $('live').classList.toggle('on', on); }
async function openStream() {
  const controller = new AbortController();
  state.stream = controller;
  let delay = 1000;
  while (state.stream === controller) {
    try {
      const res = await fetch('/api/v1/events', {
        headers: { Authorization: 'Bearer ' + state.token, Accept: 'text/event-stream' }, signal: controller.signal });
      if (res.status === 401) { signOut('Your session has ended. Please sign in again.'); return; }
      if (!res.ok || !res.body) throw new Error('stream ' + res.status);
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let cut;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          handleEvent(buffer.slice(0, cut));
          buffer = buffer.slice(cut + 2);
        }
        delay = 1000;
      }
    } catch (e) {
      if (controller.signal.aborted) return;
    }
    setLive(false);
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 15000);
    if (state.stream === controller) await loadAll().catch(() => {}); // catch up on what the gap missed
  }
}
function handleEvent(block) {
  let event = 'message'; const data = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
  }
  if (event === 'ready') { setLive(true); return; }
  if (!data.length) return;
  const obj = JSON.parse(data.join('\n'));
  if (event === 'device') { putDevice(obj); renderTile(obj.deviceId); if (state.deviceId === obj.deviceId) renderDevice(); }
  if (event === 'alert') {
    state.alerts.set(obj.alertId, obj);
    renderTile(obj.deviceId); renderAlerts();
    if (state.deviceId === obj.deviceId) renderDevice();
  }
}

// ---- ward ---------------------------------------------------------------------------------------------------
function openAlertsOf(deviceId) {
  return [...state.alerts.values()].filter((a) => a.deviceId === deviceId && a.status !== 'CLEARED')
    .sort((a, b) => (PRIORITY_RANK[b.priority] || 0) - (PRIORITY_RANK[a.priority] || 0));
}
function priorityOf(deviceId) {
  const open = openAlertsOf(deviceId);
  return open.length ? open[0].priority : 'none';
}
function tileFor(d) {
  const prio = priorityOf(d.deviceId);
  const open = openAlertsOf(d.deviceId);
  const m = d.metrics || {};
  return el('a', { class: 'tile prio-' + prio, href: '#/device/' + encodeURIComponent(d.deviceId),
      'data-device-id': d.deviceId, 'data-priority': prio, title: open.map((a) => a.message).join('\n') },
    el('div', { class: 'id' }, d.deviceId),
    el('div', { class: 'line' }, (d.deviceType === 'dialysis' ? 'Dialysis' : 'Infusion pump') + (m.state ? ' · ' + m.state : '')),
    open.length ? el('div', { class: 'alert' }, open[0].type.replace(/_/g, ' ') + (open.length > 1 ? ' +' + (open.length - 1) : ''))
      : el('div', { class: 'line' }, 'No open alert'));
}
function renderWard() {
  const units = new Map();
  for (const d of state.devices.values()) {
    const u = d.careUnit || 'Unassigned';
    if (!units.has(u)) units.set(u, []);
    units.get(u).push(d);
  }
  const root = $('units');
  root.replaceChildren();
  for (const u of [...units.keys()].sort()) {
    const tiles = el('div', { class: 'tiles' });
    for (const d of units.get(u).sort((a, b) => a.deviceId.localeCompare(b.deviceId))) tiles.append(tileFor(d));
    root.append(el('section', { class: 'unit', 'data-care-unit': u }, el('h2', {}, u), tiles));
  }
}
function renderTile(deviceId) {
  const d = state.devices.get(deviceId);
  if (!d) return;
  const old = document.querySelector('.tile[data-device-id="' + CSS.escape(deviceId) + '"]');
  if (old) old.replaceWith(tileFor(d)); else renderWard();
}

// ---- alerts -------------------------------------------------------------------------------------------------
function alertRow(a) {
  const row = el('div', { class: 'alert-row prio-' + a.priority, 'data-alert-id': a.alertId });
  const when = a.raisedAt ? new Date(a.raisedAt).toLocaleTimeString() : '';
  row.append(
    el('div', { class: 'prio' }, a.priority),
    el('div', {}, el('a', { href: '#/device/' + encodeURIComponent(a.deviceId) }, a.deviceId), ' · ',
      a.type.replace(/_/g, ' '), el('div', { class: 'muted' }, a.message || '')),
    el('div', {}, el('span', { class: 'status' }, a.status), el('div', { class: 'muted' },
      'raised ' + when + (a.ackBy ? ' · ack ' + a.ackBy : ''))));
  const ack = el('form', { class: 'ack' });
  if (hasRole('caregiver') && (a.status === 'ACTIVE' || a.status === 'LATCHED')) {
    const note = el('input', { type: 'text', placeholder: 'Note (optional)', maxLength: 500, name: 'note',
      'aria-label': 'Acknowledgement note' });
    const button = el('button', { type: 'submit', class: 'ack-button' }, 'Acknowledge');
    ack.append(note, button);
    ack.addEventListener('submit', (ev) => { ev.preventDefault(); acknowledge(a.alertId, note.value, button); });
  } else if (a.ackNote) {
    ack.append(el('span', { class: 'muted' }, 'Note: ' + a.ackNote));
  }
  row.append(ack);
  return row;
}
function renderAlerts() {
  const open = [...state.alerts.values()].filter((a) => a.status !== 'CLEARED')
    .sort((a, b) => (PRIORITY_RANK[b.priority] || 0) - (PRIORITY_RANK[a.priority] || 0)
      || (b.raisedAt || '').localeCompare(a.raisedAt || ''));
  $('alert-count').textContent = open.length ? String(open.length) : '';
  const list = $('alert-list');
  list.replaceChildren(...open.map(alertRow));
  if (!open.length) list.append(el('p', { class: 'muted' }, 'No open alerts.'));
}
async function acknowledge(alertId, note, button) {
  button.disabled = true;
  const res = await api('/api/v1/alerts/' + encodeURIComponent(alertId) + '/ack', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ note: note || null }) });
  if (res.ok) {
    const a = await res.json();
    state.alerts.set(a.alertId, a);
  } else {
    const p = await problemOf(res);
    alert('Could not acknowledge: ' + (p.detail || res.status));
    const fresh = await api('/api/v1/alerts?status=all&limit=500');
    if (fresh.ok) for (const x of (await fresh.json()).items) if (x.alertId === alertId) state.alerts.set(x.alertId, x);
  }
  const a = state.alerts.get(alertId);
  renderAlerts(); if (a) renderTile(a.deviceId);
  if (a && state.deviceId === a.deviceId) renderDevice();
}

// ---- device page --------------------------------------------------------------------------------------------
async function showDevice(deviceId) {
  state.deviceId = deviceId;
  const res = await api('/api/v1/devices/' + encodeURIComponent(deviceId));
  if (!res.ok) { $('device-title').textContent = deviceId + ' – not found'; return; }
  putDevice(await res.json());
  renderDevice();
  loadCharts(deviceId);
  if (hasRole('device-admin')) loadSettings(deviceId);
}
function renderDevice() {
  const d = state.devices.get(state.deviceId);
  if (!d) return;
  $('device-title').textContent = d.deviceId + ' · ' + (d.model || '') + ' · ' + (d.careUnit || 'no care unit');
  const rows = [['Type', d.deviceType], ['Last seen', d.lastArrivalAt ? new Date(d.lastArrivalAt).toLocaleString() : '–'],
    ['Settings version applied', d.appliedSettingsVersion ?? '–']];
  for (const [k, v] of Object.entries(d.metrics || {})) rows.push([k, v]);
  for (const [k, label] of FIGURES) if (d[k] != null) rows.push([label, Number(d[k]).toFixed(2)]);
  $('device-summary').replaceChildren(...rows.map(([k, v]) => el('div', {}, el('span', { class: 'muted' }, k + ': '), String(v))));
  const open = openAlertsOf(d.deviceId);
  $('device-alerts').replaceChildren(...(open.length ? open.map(alertRow) : [el('p', { class: 'muted' }, 'None.')]));
}
async function loadCharts(deviceId) {
  const res = await api('/api/v1/devices/' + encodeURIComponent(deviceId) + '/history');
  const charts = $('charts');
  charts.replaceChildren();
  if (!res.ok) return;
  const h = await res.json();
  const d = state.devices.get(deviceId);
  const names = FIGURES.filter(([k]) => (d && d.deviceType === 'dialysis') ? !PUMP_FIGURES.includes(k) : PUMP_FIGURES.includes(k));
  const from = Date.parse(h.from), to = Date.parse(h.to);
  for (const [key, label] of names) {
    const pts = h.points.filter((p) => p[key] != null).map((p) => [Date.parse(p.t), p[key]]);
    charts.append(chart(label, pts, from, to, key));
  }
}
function chart(label, pts, from, to, key) {
  const NS = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(NS, 'svg');
  svg.setAttribute('viewBox', '0 0 1000 200'); svg.setAttribute('preserveAspectRatio', 'none');
  svg.setAttribute('role', 'img'); svg.setAttribute('aria-label', label);
  const box = el('div', { class: 'chart', 'data-figure': key }, el('h4', {}, label));
  if (!pts.length) { box.append(el('p', { class: 'muted' }, 'No values (not evaluable yet).')); return box; }
  let lo = Math.min(...pts.map((p) => p[1])), hi = Math.max(...pts.map((p) => p[1]));
  if (hi === lo) { hi += 1; lo -= 1; }
  const x = (t) => ((t - from) / Math.max(1, to - from)) * 1000;
  const y = (v) => 190 - ((v - lo) / (hi - lo)) * 180;
  const axis = document.createElementNS(NS, 'line');
  axis.setAttribute('x1', 0); axis.setAttribute('x2', 1000); axis.setAttribute('y1', 190); axis.setAttribute('y2', 190);
  const line = document.createElementNS(NS, 'polyline');
  line.setAttribute('points', pts.map(([t, v]) => x(t).toFixed(1) + ',' + y(v).toFixed(1)).join(' '));
  svg.append(axis, line);
  box.append(svg, el('div', { class: 'muted' }, 'min ' + lo.toFixed(2) + ' · max ' + hi.toFixed(2) + ' · latest '
    + pts[pts.length - 1][1].toFixed(2)));
  return box;
}

// ---- settings editor (device admins) ----------------------------------------------------------------------
const SETTINGS_FIELDS = [
  ['careUnit', 'Care unit', 'text'], ['bed', 'Bed', 'text'], ['model', 'Model', 'text'],
  ['calibration.lastCalibratedAt', 'Last calibrated at (UTC)', 'text'], ['calibration.intervalDays', 'Calibration interval (days)', 'number'],
  ['calibration.flowCorrectionFactor', 'Flow correction factor (0.8–1.2)', 'number'],
  ['calibration.conductivityOffsetMsCm', 'Conductivity offset (mS/cm)', 'number'],
  ['calibration.temperatureOffsetC', 'Temperature offset (°C)', 'number'],
  ['calibration.pressureOffsetMmHg', 'Pressure offset (mmHg, pumps, −30–30)', 'number'],
  ['firmware.targetVersion', 'Target firmware', 'text']];
const getPath = (o, p) => p.split('.').reduce((x, k) => (x == null ? undefined : x[k]), o);
function setPath(o, p, v) {
  const ks = p.split('.'); let x = o;
  for (const k of ks.slice(0, -1)) x = x[k] = x[k] || {};
  x[ks[ks.length - 1]] = v;
}
async function loadSettings(deviceId) {
  $('settings-panel').hidden = false;
  const res = await api('/api/v1/devices/' + encodeURIComponent(deviceId) + '/settings');
  let doc = {};
  if (res.ok) { doc = await res.json(); state.settingsVersion = doc.version; }
  else state.settingsVersion = null;
  $('settings-version').textContent = state.settingsVersion ? 'version ' + state.settingsVersion : '(none yet)';
  const form = $('settings-form');
  form.replaceChildren();
  for (const [path, label, type] of SETTINGS_FIELDS) {
    const v = getPath(doc, path);
    form.append(el('div', { 'data-field': path }, el('label', { htmlFor: 's-' + path }, label),
      el('input', { id: 's-' + path, name: path, type: 'text', inputMode: type === 'number' ? 'decimal' : 'text',
        value: v == null ? '' : String(v) }),
      el('div', { class: 'field-error' })));
  }
  form.append(el('div', { class: 'wide', 'data-field': 'thresholds' },
    el('label', { htmlFor: 's-thresholds' }, 'Threshold overrides (JSON, e.g. {"DEVICE_OFFLINE": {"timeoutSec": 60}})'),
    el('textarea', { id: 's-thresholds', name: 'thresholds', rows: 3, value: doc.thresholds ? JSON.stringify(doc.thresholds) : '' }),
    el('div', { class: 'field-error' })));
  const save = el('button', { type: 'submit', id: 'settings-save' }, state.settingsVersion ? 'Save changes' : 'Create settings');
  form.append(el('div', { class: 'wide' }, save));
  form.onsubmit = (ev) => { ev.preventDefault(); saveSettings(deviceId); };
  $('settings-message').textContent = '';
}
async function saveSettings(deviceId) {
  const form = $('settings-form');
  for (const e of form.querySelectorAll('.field-error')) e.textContent = '';
  const doc = {};
  for (const [path, , type] of SETTINGS_FIELDS) {
    const raw = form.elements[path].value.trim();
    if (raw === '') continue;
    setPath(doc, path, type === 'number' && !isNaN(Number(raw)) ? Number(raw) : raw);
  }
  const t = form.elements.thresholds.value.trim();
  if (t) {
    try { doc.thresholds = JSON.parse(t); } catch (e) { showFieldError('thresholds', 'is not valid JSON'); return; }
  }
  const headers = { 'Content-Type': 'application/json' };
  if (state.settingsVersion) headers['If-Match'] = '"' + state.settingsVersion + '"'; else headers['If-None-Match'] = '*';
  const res = await api('/api/v1/devices/' + encodeURIComponent(deviceId) + '/settings',
    { method: 'PUT', headers, body: JSON.stringify(doc) });
  const msg = $('settings-message');
  if (res.ok) {
    const saved = await res.json();
    state.settingsVersion = saved.version;
    $('settings-version').textContent = 'version ' + saved.version;
    $('settings-save').textContent = 'Save changes';
    msg.className = ''; msg.textContent = 'Saved as version ' + saved.version + '.';
    return;
  }
  const p = await problemOf(res);
  msg.className = 'error';
  if (res.status === 400 && Array.isArray(p.errors)) {
    for (const e of p.errors) showFieldError(e.field, e.message);
    msg.textContent = 'Please correct the marked fields (' + p.errors.length + ').';
  } else if (res.status === 412) {
    msg.textContent = 'Someone else changed these settings meanwhile (' + (p.detail || '') + '). Reload to see their version.';
    msg.append(' ', el('button', { type: 'button', onclick: () => loadSettings(deviceId) }, 'Reload'));
  } else {
    msg.textContent = 'Not saved: ' + (p.detail || res.status);
  }
}
function showFieldError(field, message) {
  const top = SETTINGS_FIELDS.map(([p]) => p).find((p) => field === p || field.startsWith(p + '.'))
    || (field.startsWith('thresholds') ? 'thresholds' : null) || (field.startsWith('calibration') ? 'calibration.lastCalibratedAt' : null);
  const box = top && document.querySelector('[data-field="' + top + '"] .field-error');
  if (box) box.textContent = (box.textContent ? box.textContent + '; ' : '') + field + ' ' + message;
  else $('settings-message').append(el('div', {}, field + ' ' + message));
}

// ---- routing ------------------------------------------------------------------------------------------------
function route() {
  if (!state.token) return;
  const hash = location.hash || '#/ward';
  for (const id of ['ward', 'alerts', 'device']) $(id).hidden = true;
  $('nav-ward').classList.toggle('current', hash.startsWith('#/ward'));
  $('nav-alerts').classList.toggle('current', hash.startsWith('#/alerts'));
  if (hash.startsWith('#/device/')) {
    $('device').hidden = false;
    $('settings-panel').hidden = true;
    showDevice(decodeURIComponent(hash.slice('#/device/'.length)));
  } else if (hash.startsWith('#/alerts')) {
    state.deviceId = null; $('alerts').hidden = false; renderAlerts();
  } else {
    state.deviceId = null; $('ward').hidden = false; renderWard();
  }
}

window.addEventListener('hashchange', route);
document.addEventListener('DOMContentLoaded', () => {
  $('login-form').addEventListener('submit', (ev) => { ev.preventDefault(); signIn($('token').value); });
  $('logout').addEventListener('click', () => signOut());
  if (state.token) signIn(state.token).catch(() => signOut()); else signOut();
});

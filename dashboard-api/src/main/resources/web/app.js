// Vigil caregivers' page. Plain JavaScript, no dependencies. Data is written with textContent only (never as HTML).
// The token stays in sessionStorage and is sent only in Authorization headers; the event stream is read with fetch,
// because EventSource cannot send headers.
'use strict';

const PRIORITY_RANK = { HIGH: 3, MEDIUM: 2, LOW: 1 };
// Freshness of a tile, by the age of the device's latest Kinesis arrival (lastArrivalAt) against this browser's
// clock (the station's clock must be NTP-synced like the servers'). Stale: no record for 10 s, ten times the 1 s
// interval the simulated and typical devices send at, and five times the page's usual device->screen delay, so a
// live device never flickers to stale. Offline: an open DEVICE_OFFLINE alert, or no record for 30 s, the
// DEVICE_OFFLINE default timeoutSec (alerts-v1.md), for the few seconds before the consumer raises the alert.
const STALE_AFTER_MS = 10000;
const OFFLINE_AFTER_MS = 30000;
const FRESHNESS_TICK_MS = 1000;
// Human labels and units of every metric of telemetry-v1.md and every rule figure of alerts-v1.md.
// [label, unit, decimals]; a formatter function instead of decimals for states and booleans.
const yesNo = (yes, no) => (v) => (v ? yes : no);
const METRIC_LABELS = {
  state: ['State', '', (v) => String(v)],
  rateMlPerHr: ['Rate', 'mL/h', 1], infusedMl: ['Infused', 'mL', 1], vtbiMl: ['Volume to be infused', 'mL', 1],
  pressureMmHg: ['Line pressure', 'mmHg', 0], batteryPct: ['Battery', '%', 0],
  onMains: ['Power', '', yesNo('mains', 'battery')], infusionId: ['Infusion', '', (v) => String(v)],
  airInLineUl: ['Air in line', 'µL', 0], doorOpen: ['Door', '', yesNo('open', 'closed')],
  bloodFlowMlPerMin: ['Blood flow', 'mL/min', 0], dialysateFlowMlPerMin: ['Dialysate flow', 'mL/min', 0],
  arterialPressureMmHg: ['Arterial pressure', 'mmHg', 0], venousPressureMmHg: ['Venous pressure', 'mmHg', 0],
  tmpMmHg: ['Transmembrane pressure', 'mmHg', 0], conductivityMsCm: ['Conductivity', 'mS/cm', 2],
  conductivityRefMsCm: ['Conductivity, reference cell', 'mS/cm', 2],
  dialysateTempC: ['Dialysate temperature', '°C', 1], dialysateTempRefC: ['Dialysate temperature, reference', '°C', 1],
  ufVolumeMl: ['Ultrafiltration removed', 'mL', 0], ufGoalMl: ['Ultrafiltration goal', 'mL', 0],
  acidRemainingMl: ['Acid concentrate left', 'mL', 0], treatmentElapsedMin: ['Treatment elapsed', 'min', 0],
  treatmentPlannedMin: ['Treatment planned', 'min', 0], filterHours: ['Ultrafilter hours', 'h', 0],
  operatingHours: ['Operating hours', 'h', 0], bloodLeak: ['Blood leak', '', yesNo('DETECTED', 'none')],
};
const FIGURES = [
  ['flowErrorPct', 'Flow error', '%', 2], ['pressureOffsetMmHg', 'Pressure offset', 'mmHg', 1],
  ['minutesToEmpty', 'Time to empty', 'min', 0], ['batteryMinutesLeft', 'Battery time left', 'min', 0],
  ['conductivityDivergenceMsCm', 'Conductivity divergence', 'mS/cm', 2],
  ['temperatureDivergenceC', 'Temperature divergence', '°C', 2], ['acidMinutesLeft', 'Acid time left', 'min', 0],
  ['filterHoursLeft', 'Ultrafilter hours left', 'h', 0]];
const PUMP_FIGURES = ['flowErrorPct', 'pressureOffsetMmHg', 'minutesToEmpty', 'batteryMinutesLeft'];
/** A number with at most {@code decimals} decimals and no trailing zeros ("83", "412.6"). */
const num = (v, decimals) => String(Number(Number(v).toFixed(decimals)));
function formatValue(spec, v) {
  if (v == null) return '–';
  const [, unit, how] = spec;
  const text = typeof how === 'function' ? how(v) : (typeof v === 'number' ? num(v, how) : String(v));
  return unit ? text + ' ' + unit : text;
}
function ageText(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 120 ? s + ' s' : (s < 7200 ? Math.round(s / 60) + ' min' : Math.round(s / 3600) + ' h');
}

const state = {
  token: sessionStorage.getItem('vigil.token'),
  claims: null,
  devices: new Map(),   // deviceId -> device view
  alerts: new Map(),    // alertId -> alert view, open ones only (a cleared one is dropped: the page stays open for days)
  stream: null,         // AbortController of the event stream
  deviceId: null,       // device page shown
  settingsVersion: null,
  shownAt: new Map(),   // deviceId -> { seq, atMs }: when a tile first showed that lastSeq (for tests, diagnostics)
  newHigh: new Map(),   // alertId -> alert: new HIGH alerts shown in the signal banner until acknowledged or dismissed
  audio: null,          // AudioContext once the user turned the alarm sound on
  beeps: 0,             // alarm sounds played
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
  $('signal').hidden = false;
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
  state.devices.clear(); state.alerts.clear(); state.newHigh.clear(); state.shownAt.clear();
  renderSignal(); $('signal').hidden = true;
  for (const id of ['ward', 'alerts', 'device']) $(id).hidden = true;
  $('nav').hidden = true; $('logout').hidden = true; $('user').textContent = '';
  $('login').hidden = false;
  $('login-error').textContent = message || '';
  setLive(false);
}

async function loadAll(signalNew) {
  let cursor = null;
  do {
    const res = await api('/api/v1/devices?limit=500' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
    if (!res.ok) break;
    const page = await res.json();
    for (const d of page.items) putDevice(d, signalNew);
    cursor = page.nextCursor;
  } while (cursor);
  const res = await api('/api/v1/alerts?status=open&limit=500');
  if (res.ok) {
    const page = await res.json();
    for (const a of page.items) putAlert(a, signalNew);
    if (!page.nextCursor) { // the whole open list: alerts cleared during a stream gap leave the page too
      const open = new Set(page.items.map((a) => a.alertId));
      for (const [id, a] of [...state.alerts]) if (!open.has(id)) putAlert(Object.assign({}, a, { status: 'CLEARED' }), false);
    }
  }
  renderWard(); renderAlerts();
}
function putDevice(d, signal) {
  state.devices.set(d.deviceId, d);
  for (const a of d.openAlerts || []) {
    const known = state.alerts.get(a.alertId);
    if (!known || (known.updatedAt || '') <= (a.updatedAt || '')) putAlert(a, signal);
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
    if (state.stream === controller) await loadAll(true).catch(() => {}); // catch up on what the gap missed
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
  if (event === 'device') { putDevice(obj, true); renderTile(obj.deviceId); if (state.deviceId === obj.deviceId) renderDevice(); }
  if (event === 'alert') {
    putAlert(obj, true);
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
const isOpen = (a) => !!a && a.status !== 'CLEARED';
const rankOf = (deviceId) => PRIORITY_RANK[priorityOf(deviceId)] || 0;
/** live, stale or offline, with the age of the latest record in ms (null when the device never sent). */
function freshnessOf(d, nowMs) {
  const arrived = d.lastArrivalAt ? Date.parse(d.lastArrivalAt) : NaN;
  const ageMs = isNaN(arrived) ? null : Math.max(0, nowMs - arrived);
  const offlineAlert = openAlertsOf(d.deviceId).some((a) => a.type === 'DEVICE_OFFLINE');
  if (offlineAlert || ageMs == null || ageMs >= OFFLINE_AFTER_MS) return { freshness: 'offline', ageMs };
  return { freshness: ageMs >= STALE_AFTER_MS ? 'stale' : 'live', ageMs };
}
function freshnessText(f) {
  if (f.freshness === 'live') return '';
  const age = f.ageMs == null ? 'no data yet' : 'no data for ' + ageText(f.ageMs);
  return (f.freshness === 'offline' ? 'OFFLINE' : 'STALE') + ' · ' + age;
}
function tileSummary(d) {
  const m = d.metrics || {};
  if (d.deviceType === 'dialysis') {
    return [m.bloodFlowMlPerMin != null ? 'Blood ' + formatValue(METRIC_LABELS.bloodFlowMlPerMin, m.bloodFlowMlPerMin) : null,
      m.treatmentPlannedMin ? num(m.treatmentElapsedMin || 0, 0) + ' of ' + num(m.treatmentPlannedMin, 0) + ' min' : null]
      .filter(Boolean).join(' · ');
  }
  return [m.rateMlPerHr != null ? formatValue(METRIC_LABELS.rateMlPerHr, m.rateMlPerHr) : null,
    m.infusedMl != null && m.vtbiMl != null ? num(m.infusedMl, 1) + ' of ' + num(m.infusedMl + m.vtbiMl, 1) + ' mL' : null]
    .filter(Boolean).join(' · ');
}
function tileFor(d) {
  const prio = priorityOf(d.deviceId);
  const open = openAlertsOf(d.deviceId);
  const m = d.metrics || {};
  const f = freshnessOf(d, Date.now());
  const seq = d.lastSeq == null ? '' : String(d.lastSeq);
  let shown = state.shownAt.get(d.deviceId);
  if (!shown || shown.seq !== seq) { shown = { seq, atMs: Date.now() }; state.shownAt.set(d.deviceId, shown); }
  return el('a', { class: 'tile prio-' + prio + ' fresh-' + f.freshness, href: '#/device/' + encodeURIComponent(d.deviceId),
      'data-device-id': d.deviceId, 'data-priority': prio, 'data-freshness': f.freshness,
      'data-last-seq': seq, 'data-last-ts': d.lastTs ? String(Date.parse(d.lastTs)) : '',
      'data-last-arrival': d.lastArrivalAt ? String(Date.parse(d.lastArrivalAt)) : '',
      'data-updated-at': String(shown.atMs), title: open.map((a) => a.message).join('\n') },
    el('div', { class: 'id' }, d.deviceId),
    el('div', { class: 'line' }, (d.deviceType === 'dialysis' ? 'Dialysis' : 'Infusion pump') + (m.state ? ' · ' + m.state : '')),
    el('div', { class: 'line figures' }, tileSummary(d)),
    el('div', { class: 'fresh' }, freshnessText(f)),
    open.length ? el('div', { class: 'alert' }, priorityWord(open[0].priority) + ': ' + open[0].type.replace(/_/g, ' ')
        + (open.length > 1 ? ' +' + (open.length - 1) : ''))
      : el('div', { class: 'line' }, 'No open alert'));
}
const priorityWord = (p) => (p === 'HIGH' ? 'HIGH' : p === 'MEDIUM' ? 'Medium' : 'Low');
function renderWard() {
  // Highest open alert first, then device id: the devices that need someone now are the first a nurse sees.
  const rank = new Map([...state.devices.keys()].map((id) => [id, rankOf(id)]));
  const byUrgency = (a, b) => rank.get(b.deviceId) - rank.get(a.deviceId) || a.deviceId.localeCompare(b.deviceId);
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
    for (const d of units.get(u).sort(byUrgency)) tiles.append(tileFor(d));
    root.append(el('section', { class: 'unit', 'data-care-unit': u }, el('h2', {}, u), tiles));
  }
}
function renderTile(deviceId) {
  const d = state.devices.get(deviceId);
  if (!d) return;
  const old = document.querySelector('.tile[data-device-id="' + CSS.escape(deviceId) + '"]');
  const unit = old && old.closest('.unit');
  // In place while the tile keeps its place; a new priority or care unit re-sorts the ward.
  if (old && old.dataset.priority === priorityOf(deviceId) && unit && unit.dataset.careUnit === (d.careUnit || 'Unassigned')) {
    old.replaceWith(tileFor(d));
  } else {
    renderWard();
  }
}
/** Once a second: tiles whose device went quiet turn stale, then offline, and their age counts up. */
function refreshFreshness() {
  const nowMs = Date.now();
  for (const tile of document.querySelectorAll('.tile')) {
    const d = state.devices.get(tile.dataset.deviceId);
    if (!d) continue;
    const f = freshnessOf(d, nowMs);
    if (tile.dataset.freshness !== f.freshness) {
      tile.dataset.freshness = f.freshness;
      tile.classList.remove('fresh-live', 'fresh-stale', 'fresh-offline');
      tile.classList.add('fresh-' + f.freshness);
    }
    const box = tile.querySelector('.fresh');
    const text = freshnessText(f);
    if (box && box.textContent !== text) box.textContent = text;
  }
  const seen = state.deviceId && document.querySelector('#device-summary [data-metric="lastSeen"]');
  const d = seen && state.devices.get(state.deviceId);
  if (d) seen.lastChild.textContent = lastSeenText(d, nowMs);
}

// ---- new HIGH alert signal ----------------------------------------------------------------------------------
/**
 * Keeps an alert; when {@code signal} and it is a HIGH alert not known as an open HIGH one before (new, or escalated
 * to HIGH), shows the banner, announces it in the assertive live region and, when turned on, sounds the alarm.
 */
function putAlert(a, signal) {
  const before = state.alerts.get(a.alertId);
  if (isOpen(a)) state.alerts.set(a.alertId, a); else state.alerts.delete(a.alertId);
  const wasHigh = isOpen(before) && before.priority === 'HIGH';
  if (signal && !wasHigh && a.status === 'ACTIVE' && a.priority === 'HIGH') {
    state.newHigh.set(a.alertId, a);
    const d = state.devices.get(a.deviceId);
    $('high-alert-live').textContent = 'New HIGH alert: ' + a.type.replace(/_/g, ' ') + ' on ' + a.deviceId
      + (d && d.careUnit ? ' in ' + d.careUnit : '') + '.';
    playAlarm();
    renderSignal();
  } else if (state.newHigh.has(a.alertId) && a.status !== 'ACTIVE') {
    state.newHigh.delete(a.alertId); // acknowledged or cleared: no longer new
    renderSignal();
  }
}
function renderSignal() {
  const banner = $('high-alert');
  const items = [...state.newHigh.values()].sort((x, y) => (y.raisedAt || '').localeCompare(x.raisedAt || ''));
  banner.hidden = !items.length;
  $('high-alert-list').replaceChildren(...items.map((a) => {
    const d = state.devices.get(a.deviceId);
    return el('li', { 'data-alert-id': a.alertId },
      el('a', { href: '#/device/' + encodeURIComponent(a.deviceId) }, a.deviceId), ' · ',
      a.type.replace(/_/g, ' '), (d && d.careUnit ? ' · ' + d.careUnit : ''),
      ' · raised ' + (a.raisedAt ? new Date(a.raisedAt).toLocaleTimeString() : ''));
  }));
}
function toggleSound() {
  const button = $('sound-toggle');
  const on = button.getAttribute('aria-pressed') !== 'true';
  if (on && !state.audio) {
    const Ctx = window.AudioContext || window.webkitAudioContext;
    if (!Ctx) { button.textContent = 'Alarm sound: not supported by this browser'; button.disabled = true; return; }
    state.audio = new Ctx(); // created in a click, so the browser lets it play
  }
  if (on && state.audio.state === 'suspended') state.audio.resume();
  button.setAttribute('aria-pressed', String(on));
  button.textContent = 'Alarm sound: ' + (on ? 'on' : 'off');
  if (on) playAlarm(); // a test tone, so the user hears that it works
}
/** Two bursts of five 880 Hz pulses (after the high-priority pattern of IEC 60601-1-8), generated, no file. */
function playAlarm() {
  if (!state.audio || $('sound-toggle').getAttribute('aria-pressed') !== 'true') return;
  const ctx = state.audio;
  const t0 = ctx.currentTime + 0.05;
  const pulses = [0, 0.2, 0.4, 0.8, 1.0, 1.6, 1.8, 2.0, 2.4, 2.6];
  for (const at of pulses) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = 'square'; osc.frequency.value = 880;
    gain.gain.setValueAtTime(0.0001, t0 + at);
    gain.gain.exponentialRampToValueAtTime(0.2, t0 + at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t0 + at + 0.15);
    osc.connect(gain).connect(ctx.destination);
    osc.start(t0 + at); osc.stop(t0 + at + 0.16);
  }
  state.beeps += 1;
  $('sound-toggle').dataset.played = String(state.beeps);
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
    putAlert(await res.json(), false);
  } else {
    const p = await problemOf(res);
    alert('Could not acknowledge: ' + (p.detail || res.status));
    const fresh = await api('/api/v1/alerts?status=all&limit=500');
    if (fresh.ok) for (const x of (await fresh.json()).items) if (x.alertId === alertId) putAlert(x, false);
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
  putDevice(await res.json(), true);
  renderDevice();
  loadCharts(deviceId);
  if (hasRole('device-admin')) loadSettings(deviceId);
}
function renderDevice() {
  const d = state.devices.get(state.deviceId);
  if (!d) return;
  $('device-title').textContent = d.deviceId + ' · ' + (d.model || '') + ' · ' + (d.careUnit || 'no care unit');
  const rows = [['Type', d.deviceType === 'dialysis' ? 'Dialysis machine' : 'Infusion pump'],
    ['Last seen', lastSeenText(d, Date.now()), 'lastSeen'], ['Settings version applied', d.appliedSettingsVersion ?? '–']];
  const m = d.metrics || {};
  const specOrder = Object.keys(METRIC_LABELS); // the order of telemetry-v1.md; unknown metrics last
  const position = (k) => (specOrder.indexOf(k) + specOrder.length + 1) % (specOrder.length + 1);
  for (const [k, v] of Object.entries(m).sort(([a], [b]) => position(a) - position(b) || a.localeCompare(b))) {
    const spec = METRIC_LABELS[k];
    rows.push(spec ? [spec[0], formatValue(spec, v), k] : [k, v, k]); // unknown metrics (newer collectors) as sent
  }
  for (const [k, label, unit, decimals] of FIGURES) {
    if (d[k] != null) rows.push([label, formatValue([label, unit, decimals], d[k]), k]);
  }
  $('device-summary').replaceChildren(...rows.map(([k, v, key]) => el('div', key ? { 'data-metric': key } : {},
    el('span', { class: 'muted' }, k + ': '), String(v))));
  $('device-progress').replaceChildren(...progressOf(d));
  const open = openAlertsOf(d.deviceId);
  $('device-alerts').replaceChildren(...(open.length ? open.map(alertRow) : [el('p', { class: 'muted' }, 'None.')]));
}
function lastSeenText(d, nowMs) {
  if (!d.lastArrivalAt) return '–';
  const f = freshnessOf(d, nowMs);
  return new Date(d.lastArrivalAt).toLocaleString() + ' (' + ageText(f.ageMs) + ' ago'
    + (f.freshness !== 'live' ? ', ' + f.freshness : '') + ')';
}
/** Progress bars: infusion (infused of infused + still to infuse) with time to empty; dialysis treatment and UF. */
function progressOf(d) {
  const m = d.metrics || {};
  const bars = [];
  const bar = (kind, label, done, total, unit, extra) => {
    const text = num(done, 1) + ' of ' + num(total, 1) + ' ' + unit;
    return el('div', { class: 'progress', 'data-progress': kind },
      el('div', {}, el('span', { class: 'muted' }, label + ': '), el('span', { class: 'progress-text' }, text),
        extra ? el('span', { class: 'progress-extra' }, ' · ' + extra) : null),
      el('progress', { max: Math.max(total, 0.0001), value: Math.min(done, total), 'aria-label': label + ' ' + text }));
  };
  if (d.deviceType !== 'dialysis' && m.infusedMl != null && m.vtbiMl != null) {
    // telemetry-v1: vtbiMl is the volume still to be infused, so the programmed volume is infused + vtbi.
    let toEmpty = d.minutesToEmpty;
    if (toEmpty == null && m.state === 'running' && m.rateMlPerHr > 0) toEmpty = m.vtbiMl / m.rateMlPerHr * 60;
    bars.push(bar('infusion', 'Infused', m.infusedMl, m.infusedMl + m.vtbiMl, 'mL',
      toEmpty != null ? 'empty in ' + num(toEmpty, 0) + ' min' : (m.state === 'running' ? '' : m.state)));
  }
  if (d.deviceType === 'dialysis') {
    if (m.treatmentPlannedMin) bars.push(bar('treatment', 'Treatment', m.treatmentElapsedMin || 0, m.treatmentPlannedMin, 'min'));
    if (m.ufGoalMl) bars.push(bar('ultrafiltration', 'Ultrafiltration', m.ufVolumeMl || 0, m.ufGoalMl, 'mL'));
  }
  return bars;
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
  for (const [key, label, unit] of names) {
    const pts = h.points.filter((p) => p[key] != null).map((p) => [Date.parse(p.t), p[key]]);
    charts.append(chart(label + ' (' + unit + ')', pts, from, to, key));
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
  $('sound-toggle').addEventListener('click', toggleSound);
  $('high-alert-dismiss').addEventListener('click', () => { state.newHigh.clear(); renderSignal(); });
  setInterval(refreshFreshness, FRESHNESS_TICK_MS);
  if (state.token) signIn(state.token).catch(() => signOut()); else signOut();
});

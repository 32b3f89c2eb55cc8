// LossLab playground: the page shell (tabs) and panel 1, "Fit".
// Training runs on the server (WebSocket /api/fit); this script draws what it streams, at display rate.
(function () {
  'use strict';

  // ---- page shell: tabs ---------------------------------------------------------------------------------------

  function setupTabs() {
    const tabs = Array.from(document.querySelectorAll('[role="tab"]'));
    function select(tab) {
      for (const other of tabs) {
        const on = other === tab;
        other.setAttribute('aria-selected', on ? 'true' : 'false');
        other.tabIndex = on ? 0 : -1;
        const panel = document.getElementById(other.getAttribute('aria-controls'));
        if (panel) {
          panel.hidden = !on;
        }
      }
      // Charts drawn while their panel was hidden take their real size now.
      window.dispatchEvent(new Event('resize'));
      document.dispatchEvent(new CustomEvent('losslab:panel-shown', { detail: tab.getAttribute('aria-controls') }));
    }
    tabs.forEach((tab, i) => {
      tab.addEventListener('click', () => select(tab));
      tab.addEventListener('keydown', (e) => {
        let next = null;
        if (e.key === 'ArrowRight') { next = tabs[(i + 1) % tabs.length]; }
        if (e.key === 'ArrowLeft') { next = tabs[(i - 1 + tabs.length) % tabs.length]; }
        if (e.key === 'Home') { next = tabs[0]; }
        if (e.key === 'End') { next = tabs[tabs.length - 1]; }
        if (next) {
          e.preventDefault();
          select(next);
          next.focus();
        }
      });
    });
  }

  // ---- constants ----------------------------------------------------------------------------------------------

  const N_POINTS = 100;
  const DATA_SEED = 0;
  const FPS = 30;
  const TRUE_W = 2;
  const TRUE_B = 1;
  const MAX_PATH_POINTS = 4000;
  const PICK_RADIUS_PX = 14;
  const FONT = '"DejaVu Sans", "Helvetica Neue", Arial, sans-serif';
  const COLORS = {
    inlier: '#3b6fb6',
    outlier: '#e07b39',
    line: '#c0392b',
    truth: '#2e8b57',
    pinned: '#8c8c8c',
    path: '#ff5a36',
    up: '#3b6fb6',
    down: '#d0563b',
  };
  // Starting learning rates that train the guide's data in a few hundred steps (the catalog's defaults are the
  // library's, tuned for other problems).
  // Values offered for the schedule parameters that have no default (the spec must name them).
  const REQUIRED_VALUES = { step_size: '100', milestones: '100/300', gamma: '0.995', t_max: '500', t_0: '100', max_lr: '0.1', total_steps: '500' };
  const PAGE_LR = { sgd: 0.05, adam: 0.05, adamw: 0.05, rmsprop: 0.01, adagrad: 0.5, adadelta: 1, adamax: 0.05, nadam: 0.05, radam: 0.05, lbfgs: 0.5 };

  // ---- state --------------------------------------------------------------------------------------------------

  const el = {};
  const state = {
    catalog: null,
    points: { x: [], y: [], outlier: [] },
    order: [],
    w: 0,
    b: 0,
    step: 0,
    status: 'idle',
    lastStart: null,
    awaitingLandscape: false,
    lossSteps: [],
    lossValues: [],
    pathW: [],
    pathB: [],
    pull: null,
    pinned: null,
    dirty: { line: false, loss: [], path: [], pull: false, readouts: false },
    socket: null,
    socketReady: null,
    ranges: null,
    frameRequested: false,
    lossTickKey: '',
  };

  // ---- helpers ------------------------------------------------------------------------------------------------

  function fmt(v) {
    return Number.isFinite(v) ? v.toFixed(4) : String(v);
  }

  function showError(message) {
    el.error.textContent = message;
    el.error.hidden = !message;
  }

  function setStatus(status) {
    state.status = status;
    el.status.textContent = status;
    const active = status === 'running' || status === 'paused';
    el.pause.disabled = !active;
    el.pause.textContent = status === 'paused' ? 'Resume' : 'Pause';
    el.step.disabled = status !== 'paused';
    el.download.disabled = !state.lastStart;
    el.pin.disabled = state.lossSteps.length === 0 && !state.pinned;
  }

  function catalogEntry(list, name) {
    return (list || []).find((item) => item.name === name) || null;
  }

  // Renders one labelled input per parameter of a catalog entry (all but the skipped ones) into the container.
  function renderParams(container, entry, prefix, skip) {
    container.replaceChildren();
    if (!entry) {
      return;
    }
    for (const p of entry.params || []) {
      if (skip && skip.includes(p.name)) {
        continue;
      }
      const field = document.createElement('div');
      field.className = 'field param';
      const id = `${prefix}-${p.name}`;
      const label = document.createElement('label');
      label.htmlFor = id;
      label.textContent = p.name;
      const input = document.createElement('input');
      input.id = id;
      input.type = 'text';
      input.inputMode = 'decimal';
      const required = p.default === 'required';
      input.value = required ? (REQUIRED_VALUES[p.name] ?? '') : p.default;
      input.required = required;
      input.dataset.param = p.name;
      input.dataset.default = required ? '' : p.default;
      input.size = Math.max(4, Math.min(10, String(p.default).length + 2));
      if (p.description) {
        input.title = p.description;
        label.title = p.description;
      }
      field.append(label, input);
      container.append(field);
    }
  }

  // "name" or "name:k=v,…" with the parameters whose value differs from the catalog default.
  function specOf(name, container, extra) {
    const parts = [];
    if (extra) {
      parts.push(...extra);
    }
    for (const input of container.querySelectorAll('input[data-param]')) {
      const value = input.value.trim();
      if (value === '') {
        throw new Error(input.required
          ? `${name} ${input.dataset.param}: enter a value (it has no default)`
          : `${name} ${input.dataset.param}: enter a value (default ${input.dataset.default})`);
      }
      if (value !== input.dataset.default) {
        parts.push(`${input.dataset.param}=${value}`);
      }
    }
    return parts.length ? `${name}:${parts.join(',')}` : name;
  }

  function readSettings() {
    const loss = el.loss.value;
    const optimizer = el.optimizer.value;
    const lrText = el.lr.value.trim();
    const lr = Number(lrText);
    const hasLr = !el.lr.disabled;
    if (hasLr && !(lrText !== '' && Number.isFinite(lr) && lr > 0)) {
      throw new Error('Learning rate: enter a positive number, e.g. 0.05');
    }
    const steps = Number(el.steps.value);
    if (!(Number.isInteger(steps) && steps >= 1 && steps <= 1000000)) {
      throw new Error('Steps: enter a whole number from 1 to 1000000');
    }
    const clipText = el.clip.value.trim();
    const clip = Number(clipText);
    if (clipText !== '' && !(Number.isFinite(clip) && clip > 0)) {
      throw new Error('Clip norm: enter a positive number, or leave it empty for no clipping');
    }
    return {
      loss: specOf(loss, el.lossParams),
      optimizer: specOf(optimizer, el.optimizerParams, hasLr ? [`lr=${lrText}`] : []),
      schedule: el.schedule.value ? specOf(el.schedule.value, el.scheduleParams) : null,
      clipNorm: clipText === '' ? null : clip,
      steps,
    };
  }

  function showSpec(cli, note) {
    el.spec.textContent = cli;
    el.specNote.textContent = note || '';
    el.specNote.hidden = !note;
  }

  function startNote(start) {
    return start[0] === 0 && start[1] === 0
      ? ''
      : `The command starts at (w, b) = (0, 0) (--init zeros); this run continued from (${fmt(start[0])}, ${fmt(start[1])}).`;
  }

  function localSpec(message) {
    const parts = ['losslab fit --data points.csv --target y --task regression --model linear', `--loss ${message.loss}`, `--optimizer ${message.optimizer}`];
    if (message.schedule) {
      parts.push(`--schedule ${message.schedule}`);
    }
    if (message.clip_norm !== null && message.clip_norm !== undefined) {
      parts.push(`--clip-norm ${message.clip_norm}`);
    }
    parts.push(`--epochs ${message.steps} --batch-size 0 --standardize false`);
    parts.push('--init zeros --tol 0 --validation 0');
    return parts.join(' ');
  }

  // ---- the socket ---------------------------------------------------------------------------------------------

  function connect() {
    if (state.socket && state.socket.readyState <= 1) {
      return state.socketReady;
    }
    const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
    const socket = new WebSocket(scheme + location.host + '/api/fit');
    state.socket = socket;
    state.socketReady = new Promise((resolve, reject) => {
      socket.addEventListener('open', () => resolve(socket), { once: true });
      socket.addEventListener('error', () => reject(new Error('the connection to the LossLab server failed; is `losslab serve` still running?')), { once: true });
    });
    socket.addEventListener('message', (event) => onMessage(event.data));
    socket.addEventListener('close', () => {
      if (state.socket === socket) {
        state.socket = null;
        if (state.status === 'running' || state.status === 'paused') {
          setStatus('stopped');
          showError('The connection to the LossLab server closed; press Train to start again.');
        }
      }
    });
    return state.socketReady;
  }

  async function send(message) {
    const socket = await connect();
    socket.send(JSON.stringify(message));
  }

  function onMessage(text) {
    let m;
    try {
      m = JSON.parse(text);
    } catch {
      return;
    }
    if (m.type === 'error') {
      state.awaitingLandscape = false;
      showError(m.message);
      setStatus('error');
      return;
    }
    if (m.type === 'landscape') {
      state.awaitingLandscape = false;
      drawLandscape(m);
      return;
    }
    // Anything before the new run's landscape belongs to the run it replaced.
    if (state.awaitingLandscape) {
      return;
    }
    if (m.type === 'frame') {
      onFrame(m);
    } else if (m.type === 'status') {
      setStatus(m.status);
    } else if (m.type === 'done') {
      state.w = m.w;
      state.b = m.b;
      state.step = m.step;
      state.dirty.line = true;
      state.dirty.readouts = true;
      if (m.spec && m.spec.cli) {
        showSpec(m.spec.cli, m.spec.note ? startNote(state.lastStart ? state.lastStart.start : [0, 0]) || m.spec.note : '');
      }
      requestRender();
    }
  }

  function onFrame(m) {
    state.w = m.w;
    state.b = m.b;
    state.step = m.step;
    if (Number.isFinite(m.loss)) {
      state.lossSteps.push(m.step);
      state.lossValues.push(m.loss);
      state.dirty.loss.push([m.step, m.loss]);
    }
    if (Array.isArray(m.path) && m.path.length) {
      const keep = state.pathW.length + m.path.length <= MAX_PATH_POINTS ? m.path : [m.path[m.path.length - 1]];
      for (const [w, b] of keep) {
        state.pathW.push(w);
        state.pathB.push(b);
        state.dirty.path.push([w, b]);
      }
    }
    if (Array.isArray(m.pull)) {
      state.pull = m.pull;
      state.dirty.pull = true;
    }
    state.dirty.line = true;
    state.dirty.readouts = true;
    requestRender();
  }

  // ---- runs ---------------------------------------------------------------------------------------------------

  // Starts a run from (w, b) = start; the charts of the previous run are cleared (a pinned run stays).
  async function startRun(start) {
    let settings;
    try {
      settings = readSettings();
    } catch (e) {
      showError(e.message);
      return;
    }
    showError('');
    const steps = settings.steps;
    const message = {
      type: 'start',
      x: state.points.x.slice(),
      y: state.points.y.slice(),
      loss: settings.loss,
      optimizer: settings.optimizer,
      schedule: settings.schedule,
      clip_norm: settings.clipNorm,
      steps,
      start,
      fps: FPS,
      // A run lasts about three seconds (at least 200 steps a second) so it can be watched.
      steps_per_second: Math.min(100000, Math.max(200, Math.round(steps / 3))),
    };
    state.lastStart = message;
    state.awaitingLandscape = true;
    state.w = start[0];
    state.b = start[1];
    state.step = 0;
    state.lossSteps = [];
    state.lossValues = [];
    state.pathW = [start[0]];
    state.pathB = [start[1]];
    state.pull = null;
    state.dirty = { line: true, loss: [], path: [], pull: false, readouts: true };
    showSpec(localSpec(message), startNote(start));
    resetRunTraces(start);
    setStatus('running');
    try {
      await send(message);
    } catch (e) {
      setStatus('error');
      showError(e.message);
    }
  }

  // Loss, optimizer or schedule changed: a run in progress continues from where it is with the new settings.
  function onSettingsChanged() {
    if (state.status === 'running' || state.status === 'paused') {
      startRun([state.w, state.b]);
    }
  }

  async function loadData() {
    const outliers = Number(el.outliers.value);
    const response = await fetch(`/api/data?n=${N_POINTS}&outliers=${outliers}&seed=${DATA_SEED}`);
    if (!response.ok) {
      throw new Error(`loading the data failed: ${(await response.text()).trim()}`);
    }
    const data = await response.json();
    state.points = { x: data.x.slice(), y: data.y.slice(), outlier: data.outlier.slice() };
    state.pull = null;
    fitRanges();
    drawPoints();
    drawPulls();
  }

  async function downloadTrace() {
    if (!state.lastStart) {
      return;
    }
    const body = state.lastStart;
    try {
      const response = await fetch('/api/fit/trace', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) {
        throw new Error(`Download trace CSV: ${text.trim()}`);
      }
      saveCsv(text, 'losslab-fit-trace.csv');
    } catch (e) {
      showError(e.message);
    }
  }

  // The page's points as the CSV that the shown `losslab fit` command reads (columns x,y).
  function downloadPoints() {
    const lines = ['x,y'];
    for (let i = 0; i < state.points.x.length; i++) {
      lines.push(`${state.points.x[i]},${state.points.y[i]}`);
    }
    saveCsv(lines.join('\n') + '\n', 'points.csv');
  }

  // Offers CSV text as a file download (a blob link clicked once, released after a while).
  function saveCsv(text, name) {
    const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  function togglePin() {
    if (state.pinned) {
      state.pinned = null;
      el.pin.textContent = 'Pin run';
    } else {
      const m = state.lastStart;
      state.pinned = {
        w: state.w,
        b: state.b,
        lossSteps: state.lossSteps.slice(),
        lossValues: state.lossValues.slice(),
        pathW: state.pathW.slice(),
        pathB: state.pathB.slice(),
        name: m ? `pinned: ${m.loss}, ${m.optimizer}` : 'pinned',
      };
      el.pin.textContent = 'Unpin';
    }
    drawPinned();
    setStatus(state.status);
  }

  // ---- charts -------------------------------------------------------------------------------------------------

  const CONFIG = { displayModeBar: false, responsive: true };

  function baseLayout(xTitle, yTitle) {
    return {
      font: { family: FONT, size: 12, color: '#222' },
      margin: { l: 64, r: 20, t: 30, b: 48 },
      paper_bgcolor: '#ffffff',
      plot_bgcolor: '#ffffff',
      showlegend: true,
      legend: { orientation: 'h', x: 0, xanchor: 'left', y: 1.02, yanchor: 'bottom', font: { size: 11 } },
      xaxis: { title: { text: xTitle }, zeroline: false, gridcolor: '#ececec', linecolor: '#999', automargin: true },
      yaxis: { title: { text: yTitle }, zeroline: false, gridcolor: '#ececec', linecolor: '#999', automargin: true },
      uirevision: 'keep',
    };
  }

  function initCharts() {
    const fitLayout = baseLayout('x (input)', 'y (target)');
    fitLayout.dragmode = false;
    fitLayout.hovermode = false;
    fitLayout.xaxis.fixedrange = true;
    fitLayout.yaxis.fixedrange = true;
    Plotly.newPlot(el.fitChart, [
      { name: 'points (outliers orange)', type: 'scatter', mode: 'markers', x: [], y: [], marker: { size: 8, color: [], symbol: [], line: { width: 1, color: '#ffffff' } } },
      { name: 'fitted line', type: 'scatter', mode: 'lines', x: [], y: [], line: { color: COLORS.line, width: 3 } },
      { name: 'pinned line', type: 'scatter', mode: 'lines', x: [], y: [], line: { color: COLORS.pinned, width: 2, dash: 'dash' }, visible: false },
      { name: 'y = 2x + 1 (truth)', type: 'scatter', mode: 'lines', x: [], y: [], line: { color: COLORS.truth, width: 1.5, dash: 'dot' } },
    ], fitLayout, CONFIG);

    const lossLayout = baseLayout('step', 'mean loss (log scale)');
    lossLayout.yaxis.type = 'log';
    lossLayout.hovermode = 'x';
    Plotly.newPlot(el.lossChart, [
      { name: 'this run', type: 'scatter', mode: 'lines', x: [], y: [], line: { color: COLORS.line, width: 2 } },
      { name: 'pinned run', type: 'scatter', mode: 'lines', x: [], y: [], line: { color: COLORS.pinned, width: 2, dash: 'dash' }, visible: false },
    ], lossLayout, CONFIG);

    const landLayout = baseLayout('w (slope)', 'b (intercept)');
    landLayout.margin.r = 10;
    landLayout.hovermode = 'closest';
    Plotly.newPlot(el.landChart, [
      { type: 'contour', x: [], y: [], z: [], showlegend: false, colorscale: 'Viridis', reversescale: false, ncontours: 24,
        contours: { coloring: 'heatmap', showlines: true }, line: { width: 0.5, color: 'rgba(255,255,255,0.35)' },
        colorbar: { title: { text: 'mean loss', side: 'right' }, thickness: 12, len: 0.9 },
        hovertemplate: 'w %{x:.3f}<br>b %{y:.3f}<extra></extra>' },
      { name: 'pinned path', type: 'scatter', mode: 'lines', x: [], y: [], line: { color: '#b3b3b3', width: 2, dash: 'dash' }, visible: false },
      { name: 'path', type: 'scatter', mode: 'lines', x: [], y: [], line: { color: COLORS.path, width: 2.5 } },
      { name: 'start', type: 'scatter', mode: 'markers', x: [], y: [], marker: { symbol: 'circle', size: 11, color: '#ffffff', line: { color: '#111111', width: 2 } } },
      { name: 'now', type: 'scatter', mode: 'markers', x: [], y: [], marker: { symbol: 'circle', size: 11, color: COLORS.path, line: { color: '#111111', width: 1.5 } } },
      { name: 'true (2, 1)', type: 'scatter', mode: 'markers', x: [TRUE_W], y: [TRUE_B], marker: { symbol: 'star', size: 15, color: COLORS.truth, line: { color: '#ffffff', width: 1 } } },
    ], landLayout, CONFIG);

    const pullLayout = baseLayout('points, in order of x', 'pull on the line');
    pullLayout.barmode = 'relative';
    pullLayout.bargap = 0.15;
    pullLayout.hovermode = 'closest';
    pullLayout.yaxis.zeroline = true;
    pullLayout.yaxis.zerolinecolor = '#666';
    Plotly.newPlot(el.pullChart, [
      { name: 'pulls the line up', type: 'bar', x: [], y: [], marker: { color: COLORS.up }, hovertemplate: 'pull %{y:.4g}<extra></extra>' },
      { name: 'pulls the line down', type: 'bar', x: [], y: [], marker: { color: COLORS.down }, hovertemplate: 'pull %{y:.4g}<extra></extra>' },
      { name: 'outlier', type: 'scatter', mode: 'markers', x: [], y: [], marker: { symbol: 'diamond', size: 8, color: COLORS.outlier, line: { color: '#ffffff', width: 1 } },
        hoverinfo: 'skip' },
    ], pullLayout, CONFIG);
  }

  // Axis ranges of the fit chart: fixed (points are dragged inside them), with a margin around the data.
  function fitRanges() {
    const xs = state.points.x;
    const ys = state.points.y;
    const lo = (a) => Math.min(...a);
    const hi = (a) => Math.max(...a);
    const pad = (a, b) => { const d = (b - a) || 1; return [a - 0.08 * d, b + 0.08 * d]; };
    state.ranges = { x: pad(lo(xs), hi(xs)), y: pad(Math.min(lo(ys), -2), Math.max(hi(ys), 6)) };
    Plotly.relayout(el.fitChart, { 'xaxis.range': state.ranges.x, 'yaxis.range': state.ranges.y });
    const [x0, x1] = state.ranges.x;
    Plotly.restyle(el.fitChart, { x: [[x0, x1]], y: [[TRUE_W * x0 + TRUE_B, TRUE_W * x1 + TRUE_B]] }, [3]);
  }

  function drawPoints() {
    const p = state.points;
    Plotly.restyle(el.fitChart, {
      x: [p.x.slice()],
      y: [p.y.slice()],
      'marker.color': [p.outlier.map((o) => (o ? COLORS.outlier : COLORS.inlier))],
      'marker.symbol': [p.outlier.map((o) => (o ? 'diamond' : 'circle'))],
    }, [0]);
    state.order = p.x.map((_, i) => i).sort((i, j) => p.x[i] - p.x[j]);
  }

  function lineXY(w, b) {
    const [x0, x1] = state.ranges ? state.ranges.x : [-3, 3];
    return { x: [x0, x1], y: [w * x0 + b, w * x1 + b] };
  }

  // One bar per point (left to right in x): the point's pull on the line, −∂loss/∂prediction, so a point above
  // the line pulls it up (+); outliers carry a diamond just beyond their bar's end.
  function drawPulls() {
    const n = state.points.x.length;
    const order = state.order;
    const pull = state.pull && state.pull.length === n ? state.pull : null;
    const xs = order.map((_, k) => k + 1);
    const ys = order.map((i) => (pull ? -pull[i] : 0));
    let span = 0;
    for (const v of ys) {
      span = Math.max(span, Math.abs(v));
    }
    const ox = [];
    const oy = [];
    order.forEach((i, k) => {
      if (state.points.outlier[i]) {
        ox.push(k + 1);
        oy.push(ys[k] + (ys[k] >= 0 ? 1 : -1) * 0.06 * (span || 1));
      }
    });
    Plotly.restyle(el.pullChart, {
      x: [xs, xs, ox],
      y: [ys.map((v) => (v > 0 ? v : 0)), ys.map((v) => (v < 0 ? v : 0)), oy],
    }, [0, 1, 2]);
  }

  function resetRunTraces(start) {
    const line = lineXY(start[0], start[1]);
    Plotly.restyle(el.fitChart, { x: [line.x], y: [line.y] }, [1]);
    Plotly.restyle(el.lossChart, { x: [[]], y: [[]] }, [0]);
    Plotly.restyle(el.landChart, { x: [[start[0]], [start[0]], [start[0]]], y: [[start[1]], [start[1]], [start[1]]] }, [2, 3, 4]);
    drawPulls();
    el.params.textContent = `w = ${fmt(start[0])}, b = ${fmt(start[1])}`;
  }

  function drawPinned() {
    const p = state.pinned;
    const show = !!p;
    const line = p ? lineXY(p.w, p.b) : { x: [], y: [] };
    Plotly.restyle(el.fitChart, { x: [line.x], y: [line.y], visible: [show], name: [p ? p.name.replace('pinned', 'pinned line') : 'pinned line'] }, [2]);
    Plotly.restyle(el.lossChart, { x: [p ? p.lossSteps : []], y: [p ? p.lossValues : []], visible: [show] }, [1]);
    Plotly.restyle(el.landChart, { x: [p ? p.pathW : []], y: [p ? p.pathB : []], visible: [show] }, [1]);
    updateLossTicks();
  }

  // A tick label for the log10 value v: plain digits from 0.001 to 99999, m×10ⁿ beyond (no E-notation).
  function tickLabel(v) {
    const x = Math.pow(10, v);
    if (x >= 1e-3 && x < 1e5) {
      return Number(x.toPrecision(2)).toString();
    }
    let k = Math.floor(v + 1e-9);
    let m = Number((x / Math.pow(10, k)).toPrecision(2));
    if (m >= 10) {
      m = Number((m / 10).toPrecision(2));
      k += 1;
    }
    const sup = String(k).replace(/[-0-9]/g, (c) => '⁻⁰¹²³⁴⁵⁶⁷⁸⁹'['-0123456789'.indexOf(c)]);
    return `${m === 1 ? '' : `${m}×`}10${sup}`;
  }

  // Colour-bar ticks for a log10 colour scale: 1, 2, 5 × 10^k inside [lo, hi] (log10 values), thinned to ≤ 7.
  function logTicks(lo, hi) {
    const values = [];
    for (let k = Math.floor(lo) - 1; k <= Math.ceil(hi) + 1; k++) {
      for (const m of [1, 2, 5]) {
        const v = Math.log10(m) + k;
        if (v >= lo && v <= hi) {
          values.push(v);
        }
      }
    }
    let ticks = values;
    if (values.length > 7) {
      ticks = values.filter((v) => Math.abs(v - Math.round(v)) < 1e-9);
    }
    if (ticks.length < 2) {
      ticks = [lo, (lo + hi) / 2, hi];
    }
    const text = ticks.map(tickLabel);
    return { vals: ticks, text };
  }

  function drawLandscape(m) {
    let lo = Infinity;
    let hi = -Infinity;
    const zlog = m.z.map((row) => row.map((v) => {
      const l = Number.isFinite(v) && v > 0 ? Math.log10(v) : null;
      if (l !== null) {
        lo = Math.min(lo, l);
        hi = Math.max(hi, l);
      }
      return l;
    }));
    if (!Number.isFinite(lo)) {
      lo = 0;
      hi = 1;
    }
    if (hi - lo < 1e-9) {
      hi = lo + 1;
    }
    const ticks = logTicks(lo, hi);
    Plotly.restyle(el.landChart, {
      x: [m.w], y: [m.b], z: [zlog], zmin: [lo], zmax: [hi], zauto: [false],
      'colorbar.tickvals': [ticks.vals], 'colorbar.ticktext': [ticks.text],
      hovertemplate: ['w %{x:.3f}<br>b %{y:.3f}<extra></extra>'],
    }, [0]);
    Plotly.relayout(el.landChart, {
      'xaxis.range': [m.w[0], m.w[m.w.length - 1]],
      'yaxis.range': [m.b[0], m.b[m.b.length - 1]],
    });
  }

  // The loss axis is logarithmic; its ticks are 1, 2, 5 × 10^k written out (plotly's own minor labels are bare digits).
  function updateLossTicks() {
    let lo = Infinity;
    let hi = -Infinity;
    for (const values of [state.lossValues, state.pinned ? state.pinned.lossValues : []]) {
      for (const v of values) {
        if (v > 0 && Number.isFinite(v)) {
          const l = Math.log10(v);
          lo = Math.min(lo, l);
          hi = Math.max(hi, l);
        }
      }
    }
    if (!Number.isFinite(lo)) {
      return;
    }
    if (hi - lo < 0.3) {
      lo -= 0.15;
      hi += 0.15;
    }
    const ticks = logTicks(lo, hi);
    const key = ticks.text.join(' ');
    if (key !== state.lossTickKey) {
      state.lossTickKey = key;
      Plotly.relayout(el.lossChart, { 'yaxis.tickvals': ticks.vals.map((v) => Math.pow(10, v)), 'yaxis.ticktext': ticks.text });
    }
  }

  function requestRender() {
    if (!state.frameRequested) {
      state.frameRequested = true;
      requestAnimationFrame(render);
    }
  }

  // Applies what arrived since the last animation frame: extends the curve and the path, moves the line.
  function render() {
    state.frameRequested = false;
    const d = state.dirty;
    if (d.line) {
      const line = lineXY(state.w, state.b);
      Plotly.restyle(el.fitChart, { x: [line.x], y: [line.y] }, [1]);
      Plotly.restyle(el.landChart, { x: [[state.w]], y: [[state.b]] }, [4]);
      d.line = false;
    }
    if (d.loss.length) {
      Plotly.extendTraces(el.lossChart, { x: [d.loss.map((p) => p[0])], y: [d.loss.map((p) => p[1])] }, [0]);
      d.loss = [];
      updateLossTicks();
    }
    if (d.path.length) {
      Plotly.extendTraces(el.landChart, { x: [d.path.map((p) => p[0])], y: [d.path.map((p) => p[1])] }, [2]);
      d.path = [];
    }
    if (d.pull) {
      drawPulls();
      d.pull = false;
    }
    if (d.readouts) {
      el.params.textContent = `w = ${fmt(state.w)}, b = ${fmt(state.b)}`;
      el.stepReadout.textContent = `step ${state.step}`;
      el.pin.disabled = false;
      d.readouts = false;
    }
  }

  // ---- dragging and adding points -----------------------------------------------------------------------------

  function setupPointEditing() {
    const gd = el.fitChart;
    let drag = null;

    function axes() {
      const layout = gd._fullLayout;
      return layout ? { xa: layout.xaxis, ya: layout.yaxis } : null;
    }

    function toData(event) {
      const ax = axes();
      const box = gd.getBoundingClientRect();
      const px = event.clientX - box.left - ax.xa._offset;
      const py = event.clientY - box.top - ax.ya._offset;
      const inside = px >= 0 && px <= ax.xa._length && py >= 0 && py <= ax.ya._length;
      return { inside, px, py, x: ax.xa.p2d(px), y: ax.ya.p2d(py) };
    }

    function nearest(px, py) {
      const ax = axes();
      let best = -1;
      let bestD = PICK_RADIUS_PX;
      const p = state.points;
      for (let i = 0; i < p.x.length; i++) {
        const dx = ax.xa.d2p(p.x[i]) - px;
        const dy = ax.ya.d2p(p.y[i]) - py;
        const dist = Math.hypot(dx, dy);
        if (dist <= bestD) {
          bestD = dist;
          best = i;
        }
      }
      return best;
    }

    function clamp(v, range) {
      return Math.min(Math.max(v, range[0]), range[1]);
    }

    gd.addEventListener('mousedown', (event) => {
      if (event.button !== 0 || !axes()) {
        return;
      }
      const at = toData(event);
      if (!at.inside) {
        return;
      }
      event.preventDefault();
      event.stopPropagation();
      drag = { index: nearest(at.px, at.py), startX: event.clientX, startY: event.clientY, moved: false, pending: null };
      gd.classList.add(drag.index >= 0 ? 'dragging' : 'adding');
    }, true);

    window.addEventListener('mousemove', (event) => {
      if (!drag) {
        return;
      }
      if (Math.hypot(event.clientX - drag.startX, event.clientY - drag.startY) > 3) {
        drag.moved = true;
      }
      if (drag.index < 0 || !drag.moved) {
        return;
      }
      const at = toData(event);
      state.points.x[drag.index] = clamp(at.x, state.ranges.x);
      state.points.y[drag.index] = clamp(at.y, state.ranges.y);
      if (!drag.pending) {
        drag.pending = requestAnimationFrame(() => {
          if (drag) {
            drag.pending = null;
          }
          Plotly.restyle(el.fitChart, { x: [state.points.x.slice()], y: [state.points.y.slice()] }, [0]);
        });
      }
    });

    window.addEventListener('mouseup', (event) => {
      if (!drag) {
        return;
      }
      const done = drag;
      drag = null;
      gd.classList.remove('dragging', 'adding');
      if (done.index >= 0 && done.moved) {
        commitPoints();
      } else if (done.index < 0 && !done.moved) {
        const at = toData(event);
        if (at.inside && state.points.x.length < 10000) {
          state.points.x.push(at.x);
          state.points.y.push(at.y);
          state.points.outlier.push(false);
          commitPoints();
        }
      }
    });
  }

  // The points changed: redraw them and train again from where the line is.
  function commitPoints() {
    drawPoints();
    state.pull = null;
    drawPulls();
    if (state.status !== 'idle') {
      startRun([state.w, state.b]);
    }
  }

  // ---- controls -----------------------------------------------------------------------------------------------

  function fillSelect(select, entries, label) {
    select.replaceChildren();
    for (const entry of entries) {
      const option = document.createElement('option');
      option.value = entry.name;
      option.textContent = label(entry);
      select.append(option);
    }
  }

  function onOptimizerChosen() {
    const entry = catalogEntry(state.catalog.optimizers, el.optimizer.value);
    const hasLr = !!(entry && (entry.params || []).some((p) => p.name === 'lr'));
    el.lr.disabled = !hasLr;
    if (hasLr) {
      const lr = PAGE_LR[el.optimizer.value] ?? Number((entry.params.find((p) => p.name === 'lr') || {}).default);
      el.lr.value = String(lr);
    }
    renderParams(el.optimizerParams, entry, 'fit-opt', ['lr']);
  }

  function setupControls() {
    const c = state.catalog;
    fillSelect(el.loss, c.losses, (l) => (l.title && l.title.toLowerCase() !== l.name ? `${l.name} (${l.title})` : l.name));
    fillSelect(el.optimizer, c.optimizers, (o) => o.name);
    el.schedule.replaceChildren();
    const none = document.createElement('option');
    none.value = '';
    none.textContent = 'none';
    el.schedule.append(none);
    for (const s of c.schedules || []) {
      const option = document.createElement('option');
      option.value = s.name;
      option.textContent = s.name;
      el.schedule.append(option);
    }
    if (catalogEntry(c.losses, 'huber')) {
      el.loss.value = 'huber';
    }
    if (catalogEntry(c.optimizers, 'adam')) {
      el.optimizer.value = 'adam';
    }
    renderParams(el.lossParams, catalogEntry(c.losses, el.loss.value), 'fit-loss', []);
    onOptimizerChosen();

    el.loss.addEventListener('change', () => {
      renderParams(el.lossParams, catalogEntry(c.losses, el.loss.value), 'fit-loss', []);
      onSettingsChanged();
    });
    el.optimizer.addEventListener('change', () => {
      onOptimizerChosen();
      onSettingsChanged();
    });
    el.schedule.addEventListener('change', () => {
      renderParams(el.scheduleParams, catalogEntry(c.schedules, el.schedule.value), 'fit-schedule', []);
      onSettingsChanged();
    });
    el.lr.addEventListener('change', onSettingsChanged);
    for (const group of [el.lossParams, el.optimizerParams, el.scheduleParams]) {
      group.addEventListener('change', onSettingsChanged);
    }
    el.outliers.addEventListener('input', () => {
      el.outliersValue.textContent = `${el.outliers.value} %`;
    });
    el.outliers.addEventListener('change', async () => {
      try {
        await loadData();
        if (state.status === 'running' || state.status === 'paused') {
          startRun([state.w, state.b]);
        }
      } catch (e) {
        showError(e.message);
      }
    });
    el.form.addEventListener('submit', (event) => {
      event.preventDefault();
      startRun([0, 0]);
    });
    el.pause.addEventListener('click', () => {
      send({ type: state.status === 'paused' ? 'resume' : 'pause' }).catch((e) => showError(e.message));
    });
    el.step.addEventListener('click', () => {
      send({ type: 'step' }).catch((e) => showError(e.message));
    });
    el.pin.addEventListener('click', togglePin);
    el.download.addEventListener('click', downloadTrace);
    el.downloadPoints.addEventListener('click', downloadPoints);
    el.clip.addEventListener('change', onSettingsChanged);
  }

  async function main() {
    setupTabs();
    for (const [key, id] of Object.entries({
      form: 'fit-controls', loss: 'fit-loss', lossParams: 'fit-loss-params', optimizer: 'fit-optimizer',
      optimizerParams: 'fit-optimizer-params', lr: 'fit-lr', steps: 'fit-steps', schedule: 'fit-schedule',
      scheduleParams: 'fit-schedule-params', outliers: 'fit-outliers', outliersValue: 'fit-outliers-value',
      train: 'fit-train', pause: 'fit-pause', step: 'fit-step', pin: 'fit-pin', download: 'fit-download',
      downloadPoints: 'fit-download-points', clip: 'fit-clip',
      params: 'fit-params', status: 'fit-status', stepReadout: 'fit-step-readout', error: 'fit-error', spec: 'fit-spec', specNote: 'fit-spec-note',
      fitChart: 'fit-chart', lossChart: 'loss-chart', landChart: 'landscape-chart', pullChart: 'pull-chart',
    })) {
      el[key] = document.getElementById(id);
    }
    if (typeof Plotly === 'undefined') {
      showError('The chart library did not load; reload the page.');
      return;
    }
    initCharts();
    setupPointEditing();
    try {
      const response = await fetch('/api/catalog');
      if (!response.ok) {
        throw new Error(`loading the catalog failed: ${(await response.text()).trim()}`);
      }
      state.catalog = await response.json();
      setupControls();
      await loadData();
      setStatus('idle');
      document.body.dataset.fitReady = 'true';
    } catch (e) {
      showError(e.message);
    }
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', main);
  } else {
    main();
  }
})();

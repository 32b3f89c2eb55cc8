// LossLab playground, panel 2: optimizers racing on a test surface.
// Fills <section id="surfaces-panel">, talks to the server over the /api/surface WebSocket and draws with the global Plotly.
(function () {
  'use strict';

  const MAX_RUNS = 6;
  const COLORS = ['#d62728', '#1f77b4', '#ff7f0e', '#2ca02c', '#9467bd', '#8c564b'];

  // Learning rates that make each optimizer move visibly, but stably, within ~1000 steps on each surface
  // (checked with `losslab optimize` from the catalog's start points). Missing entries fall back to `general`.
  const LR = {
    general: { sgd: 0.001, momentum: 0.0005, nesterov: 0.0005, adam: 0.05, adamw: 0.05, adamax: 0.05, nadam: 0.05, radam: 0.05, rmsprop: 0.01, adagrad: 0.5, adadelta: 1, rprop: 0.01, lion: 0.01, lbfgs: 1 },
    rosenbrock: { sgd: 0.001, momentum: 0.0005, nesterov: 0.0005 },
    beale: { sgd: 0.01, momentum: 0.001, nesterov: 0.001 },
    rastrigin: { sgd: 0.001, momentum: 0.0005, nesterov: 0.0005 },
    saddle: { sgd: 0.01, momentum: 0.005, nesterov: 0.005 },
    rotated_saddle: { sgd: 0.01, momentum: 0.005, nesterov: 0.005 },
    quadratic: { sgd: 0.019, momentum: 0.005, nesterov: 0.005, rmsprop: 0.05, lion: 0.05 },
  };
  const DEFAULT_CHECKED = ['sgd', 'momentum', 'adam'];

  const state = {
    catalog: null,
    surfaces: [],
    presets: [],
    socket: null,
    status: 'ready',
    surface: null,      // the current surface message and what was derived from it
    runs: [],           // {label, spec, color} of the race being drawn
    pending: null,      // frames received since the last paint
    paintQueued: false,
    chartReady: false,
  };

  const panel = document.getElementById('surfaces-panel');
  if (!panel) {
    return;
  }

  // ---------- small DOM helpers ----------
  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) {
        continue;
      }
      if (key === 'text') {
        node.textContent = value;
      } else if (key === 'class') {
        node.className = value;
      } else {
        node.setAttribute(key, value === true ? '' : String(value));
      }
    }
    for (const child of children || []) {
      node.append(child);
    }
    return node;
  }

  function field(id, labelText, control, hint) {
    const wrap = el('div', { class: 'surf-field' }, [el('label', { for: id, text: labelText }), control]);
    if (hint) {
      wrap.append(el('span', { class: 'surf-hint', id: id + '-hint', text: hint }));
      control.setAttribute('aria-describedby', id + '-hint');
    }
    return wrap;
  }

  // Numbers in the page: 4 significant digits, powers of ten written out instead of E-notation.
  const SUPERSCRIPT = { '-': '⁻', '0': '⁰', '1': '¹', '2': '²', '3': '³', '4': '⁴', '5': '⁵', '6': '⁶', '7': '⁷', '8': '⁸', '9': '⁹' };
  function fmt(v) {
    if (v === null || v === undefined || !Number.isFinite(v)) {
      return v === null || v === undefined ? '—' : String(v);
    }
    if (v === 0) {
      return '0';
    }
    const a = Math.abs(v);
    if (a >= 1e-4 && a < 1e6) {
      return String(Number(v.toPrecision(4)));
    }
    const [mantissa, exponent] = v.toExponential(3).split('e');
    const power = String(Number(exponent)).split('').map(c => SUPERSCRIPT[c] || c).join('');
    return `${Number(mantissa)}×10${power}`;
  }

  // ---------- controls ----------
  const functionSelect = el('select', { id: 'surf-function', name: 'function' });
  const startX = el('input', { id: 'surf-start-x', type: 'number', step: 'any', inputmode: 'decimal' });
  const startY = el('input', { id: 'surf-start-y', type: 'number', step: 'any', inputmode: 'decimal' });
  const optimizerList = el('div', { class: 'surf-optimizers' });
  const optimizerNote = el('p', { class: 'surf-hint', id: 'surf-optimizers-note', text: `Check up to ${MAX_RUNS}; each has its own learning rate.` });
  const optimizerGroup = el('fieldset', { class: 'surf-group', 'aria-describedby': 'surf-optimizers-note' },
    [el('legend', { text: 'Optimizers' }), optimizerNote, optimizerList]);
  const steps = el('input', { id: 'surf-steps', type: 'number', min: 1, max: 1000000, step: 1, value: 1000 });
  const speed = el('select', { id: 'surf-speed' }, [
    el('option', { value: '50', text: '50 steps/s' }),
    el('option', { value: '200', text: '200 steps/s', selected: true }),
    el('option', { value: '1000', text: '1000 steps/s' }),
    el('option', { value: '5000', text: '5000 steps/s' }),
  ]);
  const schedule = el('select', { id: 'surf-schedule' }, [el('option', { value: '', text: 'none' })]);
  const scheduleParams = el('input', { id: 'surf-schedule-params', type: 'text', spellcheck: 'false', autocomplete: 'off', disabled: true });
  const clip = el('input', { id: 'surf-clip', type: 'number', min: 0, step: 'any', placeholder: 'off' });
  const raceButton = el('button', { type: 'submit', class: 'surf-primary', text: 'Race' });
  const pauseButton = el('button', { type: 'button', text: 'Pause', disabled: true });
  const stepButton = el('button', { type: 'button', text: 'Step', disabled: true });
  const statusOut = el('output', { 'data-testid': 'surface-status', class: 'surf-status', 'aria-live': 'polite', text: state.status });
  const errorBox = el('p', { class: 'surf-error', role: 'alert', hidden: true });

  const form = el('form', { class: 'surf-controls', 'aria-label': 'Race settings', novalidate: true }, [
    field('surf-function', 'Function', functionSelect),
    el('div', { class: 'surf-pair' }, [
      field('surf-start-x', 'Start x', startX),
      field('surf-start-y', 'Start y', startY),
    ]),
    optimizerGroup,
    el('div', { class: 'surf-pair' }, [
      field('surf-steps', 'Steps', steps),
      field('surf-speed', 'Speed', speed),
    ]),
    field('surf-schedule', 'Schedule', schedule),
    field('surf-schedule-params', 'Schedule parameters', scheduleParams, 'as in the CLI spec; one_cycle takes each run\u2019s lr as max_lr'),
    field('surf-clip', 'Clip norm', clip, 'global gradient norm; empty = no clipping'),
    el('div', { class: 'surf-buttons' }, [raceButton, pauseButton, stepButton]),
    el('p', { class: 'surf-status-line' }, ['Status: ', statusOut]),
    errorBox,
  ]);

  const chart = el('div', { id: 'surface-chart', class: 'surf-chart', role: 'img', 'aria-label': 'Contour plot of the function with the optimizers\u2019 paths; click to set the start point' });
  const chartHint = el('p', { class: 'surf-hint', text: 'Click the chart to set the start point (or type it in Start x / Start y).' });
  const tableBody = el('tbody');
  const table = el('table', { class: 'surf-table', 'data-testid': 'surface-table' }, [
    el('caption', { text: 'Where each optimizer is now' }),
    el('thead', {}, [el('tr', {}, [
      el('th', { scope: 'col', text: 'Optimizer' }),
      el('th', { scope: 'col', text: 'Value f(x, y)' }),
      el('th', { scope: 'col', text: 'Distance to the minimum' }),
      el('th', { scope: 'col', text: 'Point (x, y)' }),
    ])]),
    tableBody,
  ]);
  const specList = el('pre', { class: 'surf-spec', 'data-testid': 'surface-spec', 'aria-label': 'The same runs with the CLI' });
  const stepOut = el('span', { class: 'surf-step', 'data-testid': 'surface-step', text: '' });

  panel.append(el('div', { class: 'surf-layout' }, [
    form,
    el('div', { class: 'surf-main' }, [chart, chartHint, el('div', { class: 'surf-readouts' }, [stepOut, table]), specList]),
  ]));

  // ---------- catalog ----------
  function currentSurface() {
    return state.surfaces.find(s => s.name === functionSelect.value) || null;
  }

  function lrFor(functionName, key, fallback) {
    const own = LR[functionName] && LR[functionName][key];
    if (own !== undefined) {
      return own;
    }
    const general = LR.general[key];
    return general !== undefined ? general : fallback;
  }

  function buildPresets(optimizers) {
    const presets = [];
    for (const opt of optimizers) {
      const lrParam = (opt.params || []).find(p => p.name === 'lr');
      const fallback = lrParam ? Number(lrParam.default) : 0.01;
      if (opt.name === 'sgd') {
        presets.push({ key: 'sgd', label: 'sgd', name: 'sgd', extra: '', fallback });
        presets.push({ key: 'momentum', label: 'sgd momentum', name: 'sgd', extra: ',momentum=0.9', fallback });
        presets.push({ key: 'nesterov', label: 'nesterov', name: 'sgd', extra: ',momentum=0.9,nesterov=true', fallback });
      } else {
        presets.push({ key: opt.name, label: opt.name, name: opt.name, extra: '', fallback });
      }
    }
    return presets;
  }

  function renderOptimizers() {
    optimizerList.replaceChildren();
    for (const preset of state.presets) {
      const boxId = `surf-opt-${preset.key}`;
      const lrId = `surf-lr-${preset.key}`;
      preset.box = el('input', { id: boxId, type: 'checkbox', value: preset.key, checked: DEFAULT_CHECKED.includes(preset.key) });
      preset.lr = el('input', { id: lrId, type: 'number', min: 0, step: 'any', class: 'surf-lr', inputmode: 'decimal' });
      const lrLabel = el('label', { for: lrId, class: 'surf-lr-label' }, [
        el('span', { class: 'surf-sr-only', text: `${preset.label} learning rate` }),
        el('span', { 'aria-hidden': 'true', text: 'lr' }),
      ]);
      preset.box.addEventListener('change', limitChecked);
      optimizerList.append(el('div', { class: 'surf-optimizer' }, [
        preset.box, el('label', { for: boxId, class: 'surf-opt-label', text: preset.label }), lrLabel, preset.lr,
      ]));
    }
    limitChecked();
  }

  function limitChecked() {
    const count = state.presets.filter(p => p.box.checked).length;
    for (const preset of state.presets) {
      preset.box.disabled = !preset.box.checked && count >= MAX_RUNS;
      preset.lr.disabled = false;
    }
    optimizerNote.textContent = count >= MAX_RUNS
      ? `${MAX_RUNS} checked: the most one race takes. Uncheck one to pick another.`
      : `Check up to ${MAX_RUNS}; each has its own learning rate.`;
  }

  function applyFunctionDefaults() {
    const surface = currentSurface();
    if (!surface) {
      return;
    }
    startX.value = String(surface.start[0]);
    startY.value = String(surface.start[1]);
    for (const preset of state.presets) {
      preset.lr.value = String(lrFor(surface.name, preset.key, preset.fallback));
    }
  }

  // Sensible parameters for the schedules whose parameters are required, from the number of steps.
  function schedulePreset(name) {
    const n = Math.max(1, Math.floor(Number(steps.value) || 1000));
    const quarter = Math.max(1, Math.round(n / 4));
    switch (name) {
      case 'step': return `step_size=${quarter},gamma=0.5`;
      case 'multi_step': return `milestones=${Math.max(1, Math.round(n / 2))}/${Math.max(1, Math.round(3 * n / 4))},gamma=0.3`;
      case 'exponential': return `gamma=${Number(Math.pow(0.01, 1 / n).toPrecision(6))}`;
      case 'cosine': return `t_max=${n}`;
      case 'cosine_warm_restarts': return `t_0=${quarter}`;
      case 'one_cycle': return `total_steps=${n},cycle_momentum=false`;
      default: {
        const info = (state.catalog.schedules || []).find(s => s.name === name);
        const required = (info && info.params || []).filter(p => !/^-?[0-9.]/.test(String(p.default)) && !/^(true|false|min|max|rel|abs|cos|linear)$/.test(String(p.default)));
        return required.map(p => `${p.name}=`).join(',');
      }
    }
  }

  function scheduleSpec(lr) {
    const name = schedule.value;
    if (!name) {
      return null;
    }
    let params = scheduleParams.value.trim().replace(/^,+|,+$/g, '');
    if (name === 'one_cycle' && !/(^|,)\s*max_lr\s*=/.test(params)) {
      params = `max_lr=${lr}` + (params ? ',' + params : '');
    }
    return params ? `${name}:${params}` : name;
  }

  // ---------- the chart ----------
  function layoutFor(surface) {
    const [xmin, xmax, ymin, ymax] = surface.bounds;
    return {
      margin: { l: 56, r: 16, t: 12, b: 48 },
      xaxis: { title: { text: 'x' }, range: [xmin, xmax], zeroline: false, fixedrange: true },
      yaxis: { title: { text: 'y' }, range: [ymin, ymax], zeroline: false, fixedrange: true },
      legend: { orientation: 'h', x: 0, xanchor: 'left', y: -0.14, yanchor: 'top' },
      showlegend: true,
      dragmode: false,
      hovermode: 'closest',
      font: { size: 12 },
      paper_bgcolor: 'rgba(0,0,0,0)',
      plot_bgcolor: '#f4f4f4',
    };
  }

  // The contour trace of a surface message: log10(z − min + 1e-12) when `log`, colours fitted to the values' range
  // (from their 1st percentile, so the one grid cell at the exact minimum does not stretch the scale).
  function contourTrace(message) {
    let zmin = Infinity;
    for (const row of message.z) {
      for (const v of row) {
        if (Number.isFinite(v) && v < zmin) {
          zmin = v;
        }
      }
    }
    const z = message.z.map(row => row.map(v => {
      if (!Number.isFinite(v)) {
        return null;
      }
      return message.log ? Math.log10(v - zmin + 1e-12) : v;
    }));
    const values = z.flat().filter(v => v !== null).sort((a, b) => a - b);
    let lo = values.length ? values[Math.floor(0.01 * (values.length - 1))] : 0;
    const hi = values.length ? values[values.length - 1] : 1;
    if (!(hi > lo)) {
      lo = hi - 1;
    }
    return {
      type: 'contour', x: message.x, y: message.y, z,
      zmin: lo, zmax: hi, zauto: false,
      autocontour: false, contours: { start: lo, end: hi, size: (hi - lo) / 18, coloring: 'fill', showlines: true },
      line: { width: 0.5, color: 'rgba(255,255,255,0.5)' },
      colorscale: [[0, '#7a7a7a'], [0.35, '#b4b4b4'], [0.7, '#dcdcdc'], [1, '#f7f7f7']],
      colorbar: { title: { text: message.log ? 'log₁₀(f − min)' : 'f', side: 'right' }, thickness: 12, len: 0.9 },
      hoverinfo: 'skip', showlegend: false, name: 'surface', meta: 'surface',
    };
  }

  function markerTraces(surface, start) {
    const traces = [{
      type: 'scatter', mode: 'markers', x: [start[0]], y: [start[1]], name: 'start', meta: 'start',
      marker: { symbol: 'x-thin', size: 14, color: '#111', line: { width: 3, color: '#111' } }, hoverinfo: 'x+y+name',
    }];
    if (surface.minimum && surface.minimum.length === 2) {
      traces.push({
        type: 'scatter', mode: 'markers', x: [surface.minimum[0]], y: [surface.minimum[1]], name: 'minimum', meta: 'minimum',
        marker: { symbol: 'star', size: 16, color: '#ffd400', line: { width: 1.5, color: '#111' } }, hoverinfo: 'x+y+name',
      });
    }
    return traces;
  }

  function readStart() {
    const x = Number(startX.value);
    const y = Number(startY.value);
    return Number.isFinite(x) && Number.isFinite(y) && startX.value !== '' && startY.value !== '' ? [x, y] : null;
  }

  // Draws the chart for the current function before any race: the markers inside the bounds (the surface itself
  // comes with the first race), or the last surface when it is of the same function.
  function drawIdle() {
    const surface = currentSurface();
    if (!surface || typeof Plotly === 'undefined') {
      return;
    }
    const start = readStart() || surface.start;
    const data = [];
    if (state.surface && state.surface.function === surface.name) {
      data.push(state.surface.trace);
    }
    data.push(...markerTraces(surface, start));
    const layout = layoutFor(surface);
    if (data.length === markerTraces(surface, start).length) {
      layout.annotations = [{ text: 'Press Race to draw the surface and race the optimizers', showarrow: false, xref: 'paper', yref: 'paper', x: 0.5, y: 0.5, font: { size: 14, color: '#444' } }];
    }
    state.runs = [];
    Plotly.react(chart, data, layout, { displayModeBar: false, responsive: true });
    state.chartReady = true;
  }

  // The whole race figure, once per surface message: contour, one path per run, start and minimum, current points on top.
  function drawRace(message) {
    const surface = currentSurface();
    const trace = contourTrace(message);
    state.surface = { function: surface.name, trace };
    const start = state.raceStart;
    const data = [trace];
    state.runs.forEach((run, i) => {
      data.push({
        type: 'scatter', mode: 'lines', x: [start[0]], y: [start[1]], name: run.label, meta: 'path', legendgroup: run.key,
        // Earlier runs are drawn wider, so a path that runs under a later one still shows at its sides.
        line: { color: run.color, width: Math.max(1.5, 4.5 - (0.6 * i)) }, hoverinfo: 'name',
      });
      run.pathIndex = 1 + i;
    });
    data.push(...markerTraces(surface, start));
    const firstCurrent = data.length;
    state.runs.forEach((run, i) => {
      data.push({
        type: 'scatter', mode: 'markers', x: [start[0]], y: [start[1]], name: run.label + ' now', meta: 'current', legendgroup: run.key,
        showlegend: false, marker: { size: 11, color: run.color, line: { width: 2, color: '#fff' } }, hoverinfo: 'x+y+name',
      });
      run.currentIndex = firstCurrent + i;
    });
    Plotly.react(chart, data, layoutFor(surface), { displayModeBar: false, responsive: true });
    state.chartReady = true;
  }

  // Applies the frames received since the last paint: one extendTraces for the paths, one restyle for the current points.
  function paint() {
    state.paintQueued = false;
    const pending = state.pending;
    state.pending = null;
    if (!pending || !state.runs.length || state.runs[0].pathIndex === undefined) {
      return;
    }
    const xs = state.runs.map(() => []);
    const ys = state.runs.map(() => []);
    let last = null;
    for (const frame of pending) {
      (frame.runs || []).forEach((run, i) => {
        if (i >= state.runs.length) {
          return;
        }
        for (const p of run.path || []) {
          // The path trace starts at the start point: a path that repeats it (step 0) adds it once.
          const seedOnly = !state.runs[i].extended && xs[i].length === 0;
          if (seedOnly && p && p[0] === state.raceStart[0] && p[1] === state.raceStart[1]) {
            continue;
          }
          if (p && Number.isFinite(p[0]) && Number.isFinite(p[1])) {
            xs[i].push(p[0]);
            ys[i].push(p[1]);
          }
        }
      });
      last = frame;
    }
    const pathIndices = state.runs.map(r => r.pathIndex);
    if (xs.some(a => a.length)) {
      xs.forEach((a, i) => { state.runs[i].extended = state.runs[i].extended || a.length > 0; });
      Plotly.extendTraces(chart, { x: xs, y: ys }, pathIndices);
    }
    if (last) {
      const points = state.runs.map((_, i) => (last.runs && last.runs[i] && last.runs[i].point) || null);
      Plotly.restyle(chart, {
        x: points.map(p => (p && Number.isFinite(p[0]) ? [p[0]] : [])),
        y: points.map(p => (p && Number.isFinite(p[1]) ? [p[1]] : [])),
      }, state.runs.map(r => r.currentIndex));
      updateTable(last);
    }
  }

  function updateTable(frame) {
    const surface = currentSurface();
    const minimum = surface && surface.minimum && surface.minimum.length === 2 ? surface.minimum : null;
    stepOut.textContent = `step ${frame.step}`;
    state.runs.forEach((run, i) => {
      const data = frame.runs && frame.runs[i];
      if (!data || !run.row) {
        return;
      }
      const p = data.point || [NaN, NaN];
      const distance = minimum && Number.isFinite(p[0]) && Number.isFinite(p[1]) ? Math.hypot(p[0] - minimum[0], p[1] - minimum[1]) : null;
      run.row.value.textContent = fmt(data.value);
      run.row.distance.textContent = minimum ? fmt(distance) : 'no minimum';
      run.row.point.textContent = `(${fmt(p[0])}, ${fmt(p[1])})`;
    });
  }

  function buildTable() {
    tableBody.replaceChildren();
    for (const run of state.runs) {
      const swatch = el('span', { class: 'surf-swatch', 'aria-hidden': 'true' });
      swatch.style.background = run.color;
      const row = { value: el('td', { text: '—' }), distance: el('td', { text: '—' }), point: el('td', { text: '—' }) };
      tableBody.append(el('tr', {}, [el('th', { scope: 'row' }, [swatch, run.label]), row.value, row.distance, row.point]));
      run.row = row;
    }
  }

  // ---------- the race ----------
  function setStatus(status) {
    state.status = status;
    statusOut.textContent = status;
    const live = status === 'running' || status === 'paused';
    pauseButton.disabled = !live;
    pauseButton.textContent = status === 'paused' ? 'Resume' : 'Pause';
    pauseButton.setAttribute('aria-pressed', status === 'paused' ? 'true' : 'false');
    stepButton.disabled = !live;
  }

  function showError(message) {
    errorBox.textContent = message || '';
    errorBox.hidden = !message;
  }

  function collectRuns() {
    const surface = currentSurface();
    const checked = state.presets.filter(p => p.box.checked);
    if (!checked.length) {
      throw new Error('Check at least one optimizer.');
    }
    if (checked.length > MAX_RUNS) {
      throw new Error(`Check at most ${MAX_RUNS} optimizers.`);
    }
    let clipNorm = null;
    if (clip.value.trim() !== '') {
      clipNorm = Number(clip.value);
      if (!(clipNorm > 0) || !Number.isFinite(clipNorm)) {
        throw new Error('Clip norm must be a positive number (or empty for no clipping).');
      }
    }
    return checked.map((preset, i) => {
      const lr = Number(preset.lr.value);
      if (preset.lr.value.trim() === '' || !Number.isFinite(lr) || lr < 0) {
        throw new Error(`The learning rate of ${preset.label} must be a number >= 0.`);
      }
      const optimizer = `${preset.name}:lr=${lr}${preset.extra}`;
      return {
        key: preset.key, label: `${preset.label} (lr ${lr})`, color: COLORS[i % COLORS.length],
        request: { optimizer, schedule: scheduleSpec(lr), clip_norm: clipNorm },
        cli: `losslab optimize --function ${surface.name} --start=${state.raceStart.join(',')} --optimizer ${optimizer}`
          + (scheduleSpec(lr) ? ` --schedule ${scheduleSpec(lr)}` : '') + (clipNorm !== null ? ` --clip-norm ${clipNorm}` : '')
          + ` --steps ${Number(steps.value)} --trace trace.csv`,
      };
    });
  }

  function closeSocket() {
    if (state.socket) {
      const old = state.socket;
      state.socket = null;
      old.onmessage = old.onclose = old.onerror = null;
      try {
        old.close();
      } catch (e) {
        // already closed
      }
    }
  }

  function send(message) {
    if (state.socket && state.socket.readyState === WebSocket.OPEN) {
      state.socket.send(JSON.stringify(message));
    }
  }

  // Starts a race: a fresh socket per race, so no frame of an earlier race can reach this one's traces.
  function race() {
    showError('');
    const surface = currentSurface();
    if (!surface) {
      showError('No function is selected.');
      return;
    }
    const start = readStart();
    if (!start) {
      showError('Start x and Start y must be numbers.');
      return;
    }
    const n = Number(steps.value);
    if (!Number.isInteger(n) || n < 1 || n > 1000000) {
      showError('Steps must be a whole number from 1 to 1000000.');
      return;
    }
    state.raceStart = start;
    let runs;
    try {
      runs = collectRuns();
    } catch (e) {
      showError(e.message);
      return;
    }
    closeSocket();
    state.runs = runs;
    state.pending = null;
    buildTable();
    specList.textContent = runs.map(r => r.cli).join('\n');
    stepOut.textContent = '';
    const message = {
      type: 'start', function: surface.name, start, runs: runs.map(r => r.request), steps: n,
      fps: 30, steps_per_second: Number(speed.value),
    };
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new WebSocket(`${scheme}//${location.host}/api/surface`);
    state.socket = socket;
    setStatus('starting');
    socket.onopen = () => socket.send(JSON.stringify(message));
    socket.onmessage = event => {
      if (state.socket !== socket) {
        return;
      }
      let msg;
      try {
        msg = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      onMessage(msg);
    };
    socket.onerror = () => {
      if (state.socket === socket) {
        showError('The connection to the LossLab server failed. Is `losslab serve` still running?');
      }
    };
    socket.onclose = () => {
      if (state.socket === socket && (state.status === 'running' || state.status === 'paused' || state.status === 'starting')) {
        setStatus('stopped');
      }
    };
  }

  function onMessage(msg) {
    switch (msg.type) {
      case 'surface':
        drawRace(msg);
        break;
      case 'frame':
        (state.pending = state.pending || []).push(msg);
        if (!state.paintQueued) {
          state.paintQueued = true;
          requestAnimationFrame(paint);
        }
        break;
      case 'status':
        // Every frame sent before a status change is on the chart when the status shows.
        paint();
        setStatus(msg.status);
        break;
      case 'done':
        paint();
        if (state.status !== 'diverged') {
          setStatus('done');
        }
        break;
      case 'error':
        showError(msg.message);
        setStatus('error');
        break;
      default:
        break;
    }
  }

  // Maps a click inside the plot area to (x, y) with the axes' fixed ranges; outside the plot area it does nothing.
  function onChartClick(event) {
    const surface = currentSurface();
    const area = chart.querySelector('.nsewdrag');
    if (!surface || !area) {
      return;
    }
    const box = area.getBoundingClientRect();
    const fx = (event.clientX - box.left) / box.width;
    const fy = (event.clientY - box.top) / box.height;
    if (!(fx >= 0 && fx <= 1 && fy >= 0 && fy <= 1)) {
      return;
    }
    const [xmin, xmax, ymin, ymax] = surface.bounds;
    const x = xmin + fx * (xmax - xmin);
    const y = ymax - fy * (ymax - ymin);
    startX.value = String(Number(x.toPrecision(4)));
    startY.value = String(Number(y.toPrecision(4)));
    onStartChanged();
  }

  function onStartChanged() {
    const start = readStart();
    if (!start) {
      return;
    }
    if (state.status === 'running' || state.status === 'paused' || state.status === 'starting') {
      race();
    } else if (state.chartReady) {
      const index = chart.data ? chart.data.findIndex(t => t.meta === 'start') : -1;
      if (index >= 0) {
        Plotly.restyle(chart, { x: [[start[0]]], y: [[start[1]]] }, [index]);
      }
    }
  }

  // ---------- wiring ----------
  form.addEventListener('submit', event => {
    event.preventDefault();
    race();
  });
  pauseButton.addEventListener('click', () => {
    if (state.status === 'running') {
      send({ type: 'pause' });
    } else if (state.status === 'paused') {
      send({ type: 'resume' });
    }
  });
  stepButton.addEventListener('click', () => {
    if (state.status === 'running') {
      send({ type: 'pause' });
    }
    send({ type: 'step' });
  });
  functionSelect.addEventListener('change', () => {
    closeSocket();
    setStatus('ready');
    applyFunctionDefaults();
    tableBody.replaceChildren();
    specList.textContent = '';
    stepOut.textContent = '';
    drawIdle();
  });
  startX.addEventListener('change', onStartChanged);
  startY.addEventListener('change', onStartChanged);
  schedule.addEventListener('change', () => {
    scheduleParams.disabled = !schedule.value;
    scheduleParams.value = schedule.value ? schedulePreset(schedule.value) : '';
  });
  steps.addEventListener('change', () => {
    if (schedule.value) {
      scheduleParams.value = schedulePreset(schedule.value);
    }
  });
  chart.addEventListener('click', onChartClick);
  // The panel may be drawn while hidden (a tab): fit the chart to its box whenever that box changes.
  if (typeof ResizeObserver !== 'undefined') {
    new ResizeObserver(() => {
      if (state.chartReady && chart.offsetWidth > 0) {
        Plotly.Plots.resize(chart);
      }
    }).observe(chart);
  }
  window.addEventListener('pagehide', closeSocket);

  fetch('/api/catalog')
    .then(response => {
      if (!response.ok) {
        throw new Error(`the catalog answered ${response.status}`);
      }
      return response.json();
    })
    .then(catalog => {
      state.catalog = catalog;
      state.surfaces = catalog.surfaces || [];
      functionSelect.replaceChildren(...state.surfaces.map(s => el('option', { value: s.name, text: s.title || s.name })));
      schedule.append(...(catalog.schedules || []).map(s => el('option', { value: s.name, text: s.name })));
      state.presets = buildPresets(catalog.optimizers || []);
      renderOptimizers();
      applyFunctionDefaults();
      drawIdle();
      panel.setAttribute('data-ready', 'true');
    })
    .catch(error => showError(`Could not load the catalog: ${error.message}`));
})();

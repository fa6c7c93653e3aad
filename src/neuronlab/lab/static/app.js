// The lab page: it asks the server, and draws the States and Frames it gets back.
// A State redraws everything (a new run, new data, a new network); a Frame (after a step)
// redraws the numbers, the heatmaps and the links. Frames of an older run (rev) are dropped.
"use strict";
window.NL = window.NL || {};

NL.app = (function () {
  const $ = (id) => document.getElementById(id);
  const app = {
    state: null,
    rev: -1,
    frame: null,
    playing: false,
    preset: null,
    presets: {},
    ready: false,
    options: { showTest: true, discretize: false, mode: "add", label: 0, height: 0.5 },
  };

  // -- drawing what the server sent ----------------------------------------------------------

  function showState(state) {
    if (state.rev <= app.rev) return; // drawn already (the answer and the broadcast both bring it)
    NL.ui.clearErrors(); // the lab changed: what was refused before no longer applies
    app.rev = state.rev;
    app.state = state;
    app.frame = null;
    setPlaying(state.playing);
    NL.controls.show(api, state);
    NL.inspector.follow(app.inspector, state);
    NL.network.build(app.network, state);
    if (state.frame.step === 0 || state.frame.step < app.chart.last) NL.chart.reset(app.chart);
    NL.ui.legend(state);
    addWhat(state);
    NL.ui.address(state.query, app.preset);
    showFrame(state.frame);
    drawPoints();
  }

  function figures(frame) {
    $("epoch").textContent = NL.format.whole(frame.epoch);
    $("stepcount").textContent = NL.format.whole(frame.step);
    $("train-loss").textContent = NL.format.loss(frame.train.loss);
    $("test-loss").textContent = NL.format.loss(frame.test.loss);
    $("train-acc").textContent = frame.train.accuracy === null ? "" : "accuracy " + NL.format.percent(frame.train.accuracy);
    $("test-acc").textContent = frame.test.accuracy === null ? "" : "accuracy " + NL.format.percent(frame.test.accuracy);
  }

  /** Draw a Frame of the current run (not one of an older run, nor an older step). */
  function showFrame(frame) {
    if (frame.rev !== app.rev || (app.frame && frame.step < app.frame.step)) return;
    app.frame = frame;
    figures(frame);
    NL.chart.add(app.chart, frame.step, frame.train.loss, frame.test.loss);
    if (frame.output) NL.plane.paint(app.plane, frame.output, app.state.classes, app.options.discretize);
    NL.network.update(app.network, frame);
    NL.ui.warnings(frame.warnings);
    if (frame.diverged) {
      NL.ui.banner("Paused: " + frame.diverged, "diverged");
      setPlaying(false);
    } else if ($("banner").dataset.kind === "diverged") NL.ui.banner(null);
    NL.inspector.frameDrawn(app.inspector, frame.step, app.playing);
  }

  function drawPoints() {
    const s = app.state;
    const style = {
      task: s.task,
      range: s.frame.output.range || [0, 1],
      showTest: app.options.showTest,
      selected: app.inspector.point,
    };
    NL.plane.drawPoints(app.plane, s.points, style);
  }

  // -- asking the server: the socket's messages, the play button, a POST answered by the State --

  const { onMessage, setPlaying, act } = NL.ui.page(app, showState, showFrame);

  function change(changes, field) {
    clearPreset();
    return act("/api/settings", { changes }, field);
  }

  async function upload(file) {
    clearPreset();
    try {
      const state = await NL.api.upload("/api/upload", await file.arrayBuffer());
      NL.ui.clearErrors();
      showState(state);
    } catch (error) {
      NL.ui.showError({ message: error.message, field: "csv" }, "csv");
    }
  }

  async function togglePlay() {
    try {
      const answer = await NL.api.post(app.playing ? "/api/pause" : "/api/play");
      setPlaying(answer.playing);
    } catch (error) {
      NL.ui.showError(error, "count");
    }
  }

  async function step() {
    try {
      const frame = await NL.api.post("/api/step", { count: 1 });
      setPlaying(false);
      showFrame(frame);
    } catch (error) {
      NL.ui.showError(error, "count");
    }
  }

  // -- the parts of the page -----------------------------------------------------------------

  const api = {
    change,
    upload,
    regenerate: () => change({ seed: app.state.settings.seed + 1 }, "seed"),
  };

  function onPlaneClick(x1, x2, event) {
    if (event.shiftKey) return act("/api/points", { action: "remove", x1, x2 }, "point");
    if (app.options.mode === "pick") {
      const index = NL.plane.nearest(app.plane, x1, x2, 0.6);
      if (index < 0) return NL.ui.showError({ message: "no point here: click on a point", field: "point" });
      NL.ui.clearErrors();
      NL.inspector.choosePoint(app.inspector, index, app.state.points[index]);
      return drawPoints();
    }
    const label = app.state.task === "classification" ? app.options.label : app.options.height;
    return act("/api/points", { action: "add", x1, x2, label }, "label");
  }

  function setMode(mode) {
    app.options.mode = mode;
    for (const b of document.querySelectorAll("#click-mode button")) b.classList.toggle("on", b.dataset.mode === mode);
    $("plane").classList.toggle("picking", mode === "pick");
  }

  /** The class (or height) a click adds. */
  function addWhat(state) {
    const box = $("add-what");
    box.replaceChildren();
    const title = document.createElement("span");
    title.className = "label";
    title.textContent = "new points";
    box.appendChild(title);
    if (state.task === "regression") return addHeight(box);
    const most = Math.min(6, Math.max(state.classes, 2) + 1);
    if (app.options.label >= most) app.options.label = 0;
    for (let k = 0; k < most; k++) {
      const b = document.createElement("button");
      b.className = "class-chip" + (k === app.options.label ? " on" : "");
      b.style.background = NL.colors.css(NL.colors.classColor(k, 1));
      b.title = "new points are of class " + k + (k >= state.classes ? " (a new class)" : "");
      b.setAttribute("aria-label", "class " + k);
      b.textContent = String(k);
      b.addEventListener("click", () => {
        app.options.label = k;
        addWhat(state);
      });
      box.appendChild(b);
    }
  }

  function addHeight(box) {
    const input = document.createElement("input");
    input.type = "number";
    input.step = "0.1";
    input.value = String(app.options.height);
    input.setAttribute("aria-label", "height of new points");
    input.addEventListener("change", () => (app.options.height = Number(input.value)));
    box.appendChild(input);
  }

  function editWeight(layer, neuron, input, event) {
    const w = app.frame.weights[layer - 1];
    const value = input < 0 ? w.bias[neuron] : w.weight[neuron][input];
    const what = input < 0 ? `bias of layer ${layer}, neuron ${neuron}` : `weight of layer ${layer}, neuron ${neuron}, input ${input}`;
    NL.ui.weightEditor(event, what, value, async (v) => {
      if (await act("/api/weight", { layer, neuron, input, value: v }, "value")) NL.ui.closePopup();
    });
  }

  function networkHandlers() {
    const s = () => app.state.settings;
    return {
      feature: (name) => {
        const on = s().features.includes(name);
        const features = Object.keys(app.state.features).filter((f) => (f === name ? !on : s().features.includes(f)));
        change({ features }, "features");
      },
      neurons: (i, delta) => change({ hidden: s().hidden.map((w, k) => (k === i ? w + delta : w)) }, "hidden"),
      activation: (i, value) => change({ activations: s().activations.map((a, k) => (k === i ? value : a)) }, "activations"),
      neuron: (layer, neuron) => {
        NL.network.select(app.network, layer, neuron);
        NL.inspector.chooseNeuron(app.inspector, layer, neuron);
      },
      weight: editWeight,
    };
  }

  function layers(delta) {
    const hidden = app.state.settings.hidden;
    change({ hidden: delta > 0 ? [...hidden, hidden.length ? hidden[hidden.length - 1] : 2] : hidden.slice(0, -1) }, "hidden");
  }

  // -- presets and export --------------------------------------------------------------------

  async function loadPresets() {
    try {
      const list = await NL.api.get("/api/presets");
      for (const p of list) {
        app.presets[p.name] = p;
        const option = document.createElement("option");
        option.value = p.name;
        option.textContent = p.title;
        $("preset").appendChild(option);
      }
    } catch (error) {
      $("preset").disabled = true;
      $("preset").title = error.message;
    }
  }

  function showPreset(name) {
    const p = app.presets[name];
    app.preset = name;
    $("preset").value = name;
    $("preset-note").hidden = !p;
    if (p) {
      $("preset-title").textContent = p.title + ".";
      $("preset-sentence").textContent = p.sentence;
    }
  }

  function clearPreset() {
    app.preset = null;
    $("preset").value = "";
    $("preset-note").hidden = true;
  }

  async function choosePreset(name) {
    if (!name) return;
    app.preset = name;
    if (await act("/api/preset", { name }, "name")) showPreset(name);
    else clearPreset();
  }

  function exports() {
    $("export-model").href = NL.api.url("/api/export/model.npz");
    $("export-run").href = NL.api.url("/api/export/run.py");
    $("export-torch").href = NL.api.url("/api/export/pytorch_model.py");
    $("export-data").href = NL.api.url("/api/data.csv");
    $("to-names").href = NL.api.url("/names");
  }

  // -- start ---------------------------------------------------------------------------------

  function bindTop() {
    $("play").addEventListener("click", togglePlay);
    $("step").addEventListener("click", step);
    $("reset").addEventListener("click", () => act("/api/reset", {}, "count"));
    $("preset").addEventListener("change", () => choosePreset($("preset").value));
    $("preset-close").addEventListener("click", () => ($("preset-note").hidden = true));
    $("add-layer").addEventListener("click", () => layers(1));
    $("remove-layer").addEventListener("click", () => layers(-1));
    $("show-test").addEventListener("change", () => ((app.options.showTest = $("show-test").checked), drawPoints()));
    $("discretize").addEventListener("change", () => ((app.options.discretize = $("discretize").checked), app.frame && NL.plane.paint(app.plane, app.frame.output, app.state.classes, app.options.discretize)));
    for (const b of document.querySelectorAll("#click-mode button")) b.addEventListener("click", () => setMode(b.dataset.mode));
    document.addEventListener("keydown", onKey);
    window.addEventListener("resize", relayout);
  }

  function onKey(event) {
    if (event.target.closest("input, select, textarea, button")) return;
    if (event.key === " ") togglePlay();
    else if (event.key === "ArrowRight") step();
    else if (event.key === "r" || event.key === "R") act("/api/reset", {}, "count");
    else if (event.key === "Escape") NL.ui.closePopup();
    else return;
    event.preventDefault();
  }

  /** Redraw the network for its new room (the inspector opened or closed, the window resized). */
  function relayout() {
    if (!app.state) return;
    NL.network.build(app.network, app.state);
    if (app.frame) NL.network.update(app.network, app.frame);
  }

  /** The run the address asks for: a preset, or settings (from step 0, as the URL says). */
  async function start() {
    const params = new URLSearchParams(location.search);
    const preset = params.get("preset");
    params.delete("token");
    params.delete("preset");
    await loadPresets();
    if (preset && app.presets[preset]) return choosePreset(preset);
    const ok = await act("/api/settings", { query: Object.fromEntries(params.entries()) }, "settings");
    if (!ok) await act("/api/settings", { query: {} }, "settings");
  }

  function boot() {
    NL.controls.create(api);
    app.chart = NL.chart.create($("chart"));
    app.plane = NL.plane.create($("plane"), onPlaneClick);
    app.network = NL.network.create($("network"), networkHandlers());
    app.inspector = NL.inspector.create({
      state: () => app.state,
      step: () => (app.frame ? app.frame.step : 0),
      relayout,
      setMode,
      select: (n) => NL.network.select(app.network, n, n),
    });
    bindTop();
    exports();
    NL.api.connect(onMessage, (on) => $("connection").classList.toggle("on", on));
    start().finally(() => (app.ready = true)); // the run the address asks for is drawn
  }

  document.addEventListener("DOMContentLoaded", boot);
  return app;
})();

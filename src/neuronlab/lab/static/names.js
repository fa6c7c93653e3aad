// The names lab page: it asks the server, and draws the States and Frames it gets back.
// A State redraws everything (a new run); a Frame (after steps) redraws the losses, the samples
// (when it brings new ones) and the pictures of the model's insides. Frames of an older run
// (rev) are dropped. Every number comes from Python; this file only places it.
"use strict";
window.NL = window.NL || {};

NL.names = (function () {
  const $ = (id) => document.getElementById(id);
  const app = { state: null, rev: -1, frame: null, playing: false, ready: false, samples: [], chosen: null, sampleFrames: 0 };

  // -- drawing what the server sent ----------------------------------------------------------

  function showState(state) {
    if (state.rev <= app.rev) return; // drawn already (the answer and the broadcast both bring it)
    NL.ui.clearErrors();
    app.rev = state.rev;
    app.state = state;
    app.frame = null;
    setPlaying(state.playing);
    NL.namesControls.show(state);
    $("histograms-note").textContent = `tanh outputs on ${state.limits.histogram_examples} training examples; orange: beyond ±0.9, where little gradient passes back`;
    $("loss-note").textContent = `each loss on the same ${NL.format.whole(state.limits.eval_examples)} examples of its split (training: the 80 % the model learns from; dev: 10 % it never sees)`;
    if (state.frame.step === 0 || state.frame.step < app.chart.last) NL.chart.reset(app.chart);
    $("explain").hidden = true;
    app.chosen = null;
    NL.ui.address(state.query, null);
    showFrame(state.frame);
  }

  function lossAxis() {
    const rows = app.chart.rows;
    $("loss-top").textContent = rows.length ? NL.format.number(app.chart.top, 3) : "";
    $("loss-bottom").textContent = rows.length ? NL.format.number(app.chart.bottom, 3) : "";
    $("loss-first").textContent = rows.length ? NL.format.whole(rows[0][0]) : "";
    $("loss-last").textContent = rows.length > 1 ? NL.format.whole(rows[rows.length - 1][0]) : "";
  }

  function figures(frame) {
    $("stepcount").textContent = NL.format.whole(frame.step);
    $("epoch").textContent = NL.format.number(frame.epoch, 2);
    $("train-loss").textContent = NL.format.loss(frame.train);
    $("dev-loss").textContent = NL.format.loss(frame.dev);
    NL.chart.add(app.chart, frame.step, frame.train, frame.dev);
    lossAxis();
  }

  /** Draw a Frame of the current run (not one of an older run, nor an older step). */
  function showFrame(frame) {
    if (frame.rev !== app.rev || (app.frame && frame.step < app.frame.step)) return;
    app.frame = frame;
    figures(frame);
    if (frame.samples) {
      app.samples = frame.samples;
      app.sampleFrames += 1;
      NL.namesSamples.show($("samples"), app.samples, app.chosen, explain);
    }
    NL.namesPlots.embedding($("embedding-plot"), frame.embedding);
    const e = frame.embedding;
    $("embedding-note").textContent = e.dimensions > 2
      ? `${e.dimensions}-D vectors, first two principal components · vowels blue, "." orange`
      : `the 2-D vectors themselves · vowels blue, "." orange`;
    NL.namesPlots.histograms($("histograms"), frame.activations);
    NL.namesPlots.ratios($("ratios"), frame.ratios);
    if (frame.diverged) {
      NL.ui.banner("Paused: " + frame.diverged, "diverged");
      setPlaying(false);
    } else if ($("banner").dataset.kind === "diverged") NL.ui.banner(null);
  }

  // -- asking the server: the socket's messages, the play button, a POST answered by the State --

  const { onMessage, setPlaying, act } = NL.ui.page(app, showState, showFrame);

  const change = (changes, field) => act("/names/api/settings", { changes }, field);

  async function upload(file) {
    try {
      const state = await NL.api.upload("/names/api/upload", await file.arrayBuffer(), "text/plain");
      NL.ui.clearErrors();
      showState(state);
    } catch (error) {
      NL.ui.showError({ message: error.message, field: "words" }, "words");
    }
  }

  async function explain(word) {
    try {
      const answer = await NL.api.post("/names/api/explain", { word });
      app.chosen = word;
      NL.namesSamples.show($("samples"), app.samples, app.chosen, explain);
      NL.namesSamples.explain($("explain"), answer);
    } catch (error) {
      NL.ui.showError(error, "word");
    }
  }

  async function togglePlay() {
    try {
      const answer = await NL.api.post(app.playing ? "/names/api/pause" : "/names/api/play");
      setPlaying(answer.playing);
    } catch (error) {
      NL.ui.showError(error, "count");
    }
  }

  async function step() {
    try {
      const frame = await NL.api.post("/names/api/step", { count: 1 });
      setPlaying(false);
      showFrame(frame);
    } catch (error) {
      NL.ui.showError(error, "count");
    }
  }

  // -- start ---------------------------------------------------------------------------------

  function onKey(event) {
    if (event.target.closest("input, select, textarea, button")) return;
    if (event.key === " ") togglePlay();
    else if (event.key === "ArrowRight") step();
    else if (event.key === "r" || event.key === "R") act("/names/api/reset", {}, "count");
    else return;
    event.preventDefault();
  }

  /** The run the address asks for (its settings, from step 0); the defaults if it cannot be. */
  async function start() {
    const params = new URLSearchParams(location.search);
    params.delete("token");
    try {
      showState(await NL.api.post("/names/api/settings", { query: Object.fromEntries(params.entries()) }));
    } catch (error) {
      await act("/names/api/settings", { query: {} }, null); // the defaults, and then say why
      NL.ui.showError({ message: "the address's settings were not taken: " + error.message, field: error.field }, "settings");
    }
  }

  function boot() {
    NL.namesControls.create({ change, upload });
    app.chart = NL.chart.create($("chart"), { fromZero: false });
    $("play").addEventListener("click", togglePlay);
    $("step").addEventListener("click", step);
    $("reset").addEventListener("click", () => act("/names/api/reset", {}, "count"));
    $("to-network").href = NL.api.url("/");
    document.addEventListener("keydown", onKey);
    NL.api.connect(onMessage, (on) => $("connection").classList.toggle("on", on), "/names/ws");
    start().finally(() => (app.ready = true));
  }

  document.addEventListener("DOMContentLoaded", boot);
  return app;
})();

// The names page's controls: the model, its sizes, the training and the word list. Each sends
// its field to the server (app.change) and shows the State it gets back; an error goes beside it.
"use strict";
window.NL = window.NL || {};

NL.namesControls = (function () {
  const $ = (id) => document.getElementById(id);
  const LEARNING_RATES = [0.0001, 0.0003, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1];
  const NAMES = {
    bigram: "bigram network",
    mlp: "MLP",
    batchnorm: "MLP with BatchNorm",
    wavenet: "WaveNet",
    names: "the names",
    yours: "yours (uploaded)",
  };
  const NUMBERS = ["context", "embedding", "hidden", "batch_size", "seed"];

  function fill(select, values, shown) {
    select.replaceChildren();
    for (const value of values) {
      const option = document.createElement("option");
      option.value = String(value);
      option.textContent = shown ? shown(value) : String(value);
      select.appendChild(option);
    }
  }

  /** Make the controls (once); `app` has change(changes, field) and upload(file). */
  function create(app) {
    for (const field of ["model", "optimizer", "words"]) {
      $(field).addEventListener("change", () => app.change({ [field]: $(field).value }, field));
    }
    $("lr").addEventListener("change", () => app.change({ lr: Number($("lr").value) }, "lr"));
    for (const field of NUMBERS) {
      $(field).addEventListener("change", () => {
        const text = $(field).value.trim();
        app.change({ [field]: text === "" ? null : Number(text) }, field);
      });
    }
    const t = $("temperature");
    t.addEventListener("input", () => ($("temperature-out").textContent = Number(t.value).toFixed(1)));
    t.addEventListener("change", () => app.change({ temperature: Number(t.value) }, "temperature"));
    $("upload").addEventListener("change", () => {
      const file = $("upload").files[0];
      if (file) app.upload(file);
      $("upload").value = "";
    });
  }

  function bounds(state) {
    for (const field of NUMBERS) {
      const [low, high] = state.limits[field];
      $(field).min = low;
      $(field).max = high;
    }
    const l = state.limits;
    $("upload-limits").textContent = `one word a line (UTF-8): at most ${NL.format.whole(l.upload_bytes / 1024)} KB, ${NL.format.whole(l.upload_words)} words of ${l.word_length} characters; at least ${l.min_words} words`;
  }

  /** Show a State's settings in the controls. */
  function show(state) {
    const s = state.settings;
    fill($("model"), Object.keys(state.models), (v) => NAMES[v] || v);
    fill($("optimizer"), state.optimizers.map((o) => o.name), (v) => state.optimizers.find((o) => o.name === v).title); // the registry's
    fill($("words"), state.word_lists, (v) => NAMES[v] || v);
    $("words").querySelector('option[value="yours"]').disabled = !state.uploaded;
    const rates = LEARNING_RATES.includes(s.lr) ? LEARNING_RATES : [...LEARNING_RATES, s.lr].sort((a, b) => a - b);
    fill($("lr"), rates);
    for (const field of ["model", "optimizer", "words", "lr"]) $(field).value = String(s[field]);
    for (const field of NUMBERS) $(field).value = s[field];
    bounds(state);
    const bigram = s.model === "bigram";
    for (const field of ["context", "embedding", "hidden"]) $(field).disabled = bigram;
    if (bigram) $("context").value = 1;
    $("model-summary").textContent = state.models[s.model];
    $("model-size").textContent = `${NL.format.whole(state.parameters)} parameters · reads ${state.block_size} character${state.block_size === 1 ? "" : "s"}`;
    const w = state.words;
    $("words-info").textContent = `${NL.format.whole(w.count)} words, ${w.characters.length} characters (with "."), ${NL.format.whole(w.examples)} training examples`;
    $("temperature").value = s.temperature;
    $("temperature-out").textContent = Number(s.temperature).toFixed(1);
  }

  return { create, show };
})();

// The inspector under the network: a neuron and a point chosen, then the neuron card or the
// backward step-through of that point, fetched from the server (/api/card, /api/stepthrough).
"use strict";
window.NL = window.NL || {};

NL.inspector = (function () {
  const $ = (id) => document.getElementById(id);
  const CARD_EVERY_MS = 400; // while training, the card follows at most this often

  /** The inspector's choices; `app` gives state(), step() and relayout(). */
  function create(app) {
    const ins = { app, open: false, tab: "card", neuron: null, point: null, at: null, busy: false, last: 0 };
    $("tab-card").addEventListener("click", () => openTab(ins, "card"));
    $("tab-walk").addEventListener("click", () => openTab(ins, "walk"));
    $("inspector-close").addEventListener("click", () => close(ins));
    return ins;
  }

  function openTab(ins, tab) {
    const wasOpen = ins.open;
    ins.open = true;
    ins.tab = tab;
    $("inspector").hidden = false;
    $("tab-card").classList.toggle("on", tab === "card");
    $("tab-walk").classList.toggle("on", tab === "walk");
    $("card").hidden = tab !== "card";
    $("walk").hidden = tab !== "walk";
    if (!wasOpen) ins.app.relayout();
    ins.app.setMode("pick");
    load(ins);
  }

  function close(ins) {
    ins.open = false;
    ins.neuron = null;
    $("inspector").hidden = true;
    ins.app.select(null);
    ins.app.setMode("add");
    ins.app.relayout();
  }

  /** A neuron clicked in the network: its card (once a point is chosen). */
  function chooseNeuron(ins, layer, neuron) {
    ins.neuron = { layer, neuron };
    openTab(ins, ins.tab);
  }

  /** A point picked on the plane (its index, and where it is, to notice new data). */
  function choosePoint(ins, index, point) {
    ins.point = index;
    ins.at = point;
    openTab(ins, ins.tab);
  }

  /** A new State: forget a point or a neuron that is no longer there. */
  function follow(ins, state) {
    const p = ins.point === null ? null : state.points[ins.point];
    if (p && ins.at && (p[0] !== ins.at[0] || p[1] !== ins.at[1])) ins.point = null;
    if (!p) ins.point = null;
    const layers = state.settings.hidden.length + 1;
    if (ins.neuron) {
      const n = ins.neuron;
      const width = n.layer === layers ? state.head.outputs : state.settings.hidden[n.layer - 1];
      if (n.layer > layers || n.neuron >= width) ins.neuron = null;
    }
  }

  function describe(ins) {
    const neuron = ins.neuron ? `layer ${ins.neuron.layer}, neuron ${ins.neuron.neuron}` : "no neuron (click one in the network)";
    const point = ins.point === null ? "no point (click one on the output map)" : `point #${ins.point}`;
    const root = ins.tab === "walk" ? ` · graph of ${ins.neuron ? "the neuron's output" : "the point's loss"}` : "";
    $("inspect-what").textContent = `${neuron} · ${point}${root}`;
  }

  async function fetchCard(ins) {
    const n = ins.neuron;
    const step = ins.app.step();
    const card = await NL.api.post("/api/card", { layer: n.layer, neuron: n.neuron, point: ins.point });
    NL.card.render($("card"), card, step);
  }

  async function fetchWalk(ins) {
    const root = ins.neuron ? { layer: ins.neuron.layer, neuron: ins.neuron.neuron } : "loss";
    const step = ins.app.step();
    const walk = await NL.api.post("/api/stepthrough", { point: ins.point, root });
    NL.walk.render($("walk"), walk, step, () => load(ins));
  }

  /** Fetch what the open tab shows (or say what is still to be chosen). */
  async function load(ins) {
    describe(ins);
    if (!ins.open) return;
    const wantsNeuron = ins.tab === "card" && !ins.neuron;
    if (wantsNeuron || ins.point === null) {
      const what = wantsNeuron ? "Click a neuron in the network" : "Click a data point on the output map";
      NL.card.prompt(ins.tab === "card" ? $("card") : $("walk"), what + (ins.point === null && !wantsNeuron ? "." : ", then a data point."));
      return;
    }
    ins.busy = true;
    ins.last = Date.now();
    try {
      await (ins.tab === "card" ? fetchCard(ins) : fetchWalk(ins));
    } catch (error) {
      NL.ui.showError(error, "inspector");
    } finally {
      ins.busy = false;
    }
  }

  /** A new frame was drawn: the card follows the weights; the walk says it is of an older step. */
  function frameDrawn(ins, step, playing) {
    if (!ins.open || ins.busy) return;
    if (ins.tab === "walk") return NL.walk.markStale($("walk"), step);
    if (!playing || Date.now() - ins.last > CARD_EVERY_MS) load(ins);
  }

  return { create, chooseNeuron, choosePoint, follow, load, frameDrawn, close };
})();

// The network: input features, hidden neurons (each with what it computes over the plane),
// the outputs, and a link for every weight, its width the weight's size, its colour its sign.
"use strict";
window.NL = window.NL || {};

NL.network = (function () {
  const HEAD = 64; // room above the columns for each layer's controls
  const LABEL = 54; // room left of the feature tiles for their names

  const element = NL.dom.element;

  const svgElement = NL.dom.svg;

  /** The network view inside `container`; `on` has the handlers for clicks on its parts. */
  function create(container, on) {
    return { container, on, nodes: {}, links: [], biases: [], maps: {}, selected: null };
  }

  /** Where every column and tile goes, for the container's size. */
  function geometry(net, state) {
    const s = state.settings;
    const columns = [Object.keys(state.features).length, ...s.hidden, state.head.outputs];
    const width = net.container.clientWidth;
    const height = net.container.clientHeight;
    const most = Math.max(...columns);
    const gap = most > 10 ? 4 : 8;
    const tile = Math.max(12, Math.min(52, Math.floor((height - HEAD - 10 - (most - 1) * gap) / most)));
    const first = LABEL;
    const last = width - tile - 40;
    const xs = columns.map((_, i) => first + ((last - first) * i) / (columns.length - 1));
    return { columns, xs, tile, gap, width, height };
  }

  function tileAt(g, column, row) {
    return { x: g.xs[column], y: HEAD + row * (g.tile + g.gap) };
  }

  /** Rebuild the picture for a new State (its architecture and features). */
  function build(net, state) {
    const c = net.container;
    c.textContent = "";
    net.nodes = {};
    net.links = [];
    net.biases = [];
    net.state = state;
    const g = geometry(net, state);
    net.geometry = g;
    net.svg = svgElement("svg", { class: "links", width: g.width, height: g.height }, c);
    buildFeatures(net, state, g);
    state.settings.hidden.forEach((width, i) => buildHidden(net, state, g, i));
    buildOutputs(net, state, g);
    buildLinks(net, state, g);
    if (net.selected) select(net, net.selected.layer, net.selected.neuron);
  }

  function placeTile(el, g, at) {
    el.style.left = at.x + "px";
    el.style.top = at.y + "px";
    el.style.width = el.style.height = g.tile + "px";
  }

  function buildFeatures(net, state, g) {
    Object.entries(state.features).forEach(([name, label], row) => {
      const on = state.settings.features.includes(name);
      const node = element("div", "node feature" + (on ? "" : " off"), net.container);
      placeTile(node, g, tileAt(g, 0, row));
      node.dataset.feature = name;
      node.title = (on ? "click to stop using " : "click to use ") + label;
      const canvas = element("canvas", "", node);
      NL.heatmap.paintValues(canvas, state.feature_maps[name]);
      const text = element("span", "feature-name", node);
      text.textContent = label;
      node.addEventListener("click", () => net.on.feature(name));
      hoverMap(net, node, { kind: "feature", map: state.feature_maps[name], label });
      net.nodes["f:" + name] = { node, on, row };
    });
  }

  function layerHead(net, g, i, width, activation, menus) {
    const head = element("div", "layer-head", net.container);
    head.style.left = g.xs[i + 1] + g.tile / 2 + "px";
    const buttons = element("div", "neuron-buttons", head);
    for (const [sign, delta] of [["+", 1], ["−", -1]]) {
      const b = element("button", "round tiny", buttons);
      b.textContent = sign;
      b.setAttribute("aria-label", (delta > 0 ? "add a neuron to" : "remove a neuron from") + " layer " + (i + 1));
      b.addEventListener("click", () => net.on.neurons(i, delta));
    }
    const count = element("div", "neuron-count", head);
    const roomy = g.xs[1] - g.xs[0] > 92;
    count.textContent = roomy ? width + (width === 1 ? " neuron" : " neurons") : String(width);
    count.title = width + (width === 1 ? " neuron" : " neurons");
    const select = element("select", "activation", head);
    select.setAttribute("aria-label", "activation of layer " + (i + 1));
    for (const { name, summary } of menus.activation) {
      const option = element("option", "", select);
      option.textContent = name;
      option.title = summary;
    }
    select.value = activation;
    select.addEventListener("change", () => net.on.activation(i, select.value));
  }

  function buildHidden(net, state, g, i) {
    const layer = i + 1;
    const activation = state.settings.activations[i];
    layerHead(net, g, i, state.settings.hidden[i], activation, state.menus);
    for (let j = 0; j < state.settings.hidden[i]; j++) {
      const node = element("div", "node neuron", net.container);
      placeTile(node, g, tileAt(g, i + 1, j));
      node.dataset.neuron = layer + ":" + j;
      element("canvas", "", node);
      node.addEventListener("click", () => {
        hideTip();
        net.on.neuron(layer, j);
      });
      hoverMap(net, node, { kind: "neuron", key: layer + ":" + j, label: `layer ${layer}, neuron ${j} · ${activation}` });
      net.nodes[layer + ":" + j] = { node, row: j, column: i + 1 };
      buildBias(net, layer, j, node);
    }
  }

  function outputName(state, j) {
    if (state.task === "regression") return "ŷ";
    if (state.head.outputs === 1) return state.head.activation === "linear" ? "score" : "p(1)";
    return String(j);
  }

  function buildOutputs(net, state, g) {
    const layer = state.settings.hidden.length + 1;
    const head = element("div", "layer-head output-head", net.container);
    element("div", "neuron-count", head).textContent = "output";
    element("div", "head-kind", head).textContent = state.head.activation;
    element("div", "head-kind", head).textContent = state.head.loss.replace("_", "-");
    for (let j = 0; j < state.head.outputs; j++) {
      const node = element("div", "node out", net.container);
      placeTile(node, g, tileAt(g, g.xs.length - 1, j));
      node.dataset.neuron = layer + ":" + j;
      if (state.task === "classification" && state.head.outputs > 1) {
        node.style.borderColor = NL.colors.css(NL.colors.classColor(j, 1));
      }
      if (g.tile >= 22) element("span", "out-name", node).textContent = outputName(state, j);
      node.title = outputName(state, j) + " · click for its numbers";
      node.addEventListener("click", () => net.on.neuron(layer, j));
      net.nodes[layer + ":" + j] = { node, row: j, column: g.xs.length - 1 };
      buildBias(net, layer, j, node);
    }
  }

  function buildBias(net, layer, neuron, node) {
    const bias = element("div", "bias", node);
    bias.title = "the bias: click to set it";
    bias.addEventListener("click", (event) => {
      event.stopPropagation();
      net.on.weight(layer, neuron, -1, event);
    });
    net.biases.push({ layer, neuron, el: bias });
  }

  /** The feature names the first layer reads, in the order of its weights' columns. */
  function sources(net, state, layer) {
    if (layer === 1) return state.settings.features.map((name) => "f:" + name);
    const width = state.settings.hidden[layer - 2];
    return Array.from({ length: width }, (_, i) => layer - 1 + ":" + i);
  }

  function linkPath(net, from, to) {
    const g = net.geometry;
    const a = net.nodes[from];
    const b = net.nodes[to];
    const ax = parseFloat(a.node.style.left) + g.tile;
    const ay = parseFloat(a.node.style.top) + g.tile / 2;
    const bx = parseFloat(b.node.style.left);
    const by = parseFloat(b.node.style.top) + g.tile / 2;
    const mx = (ax + bx) / 2;
    return `M${ax},${ay} C${mx},${ay} ${mx},${by} ${bx},${by}`;
  }

  function buildLinks(net, state, g) {
    const layers = state.settings.hidden.length + 1;
    for (let layer = 1; layer <= layers; layer++) {
      const inputs = sources(net, state, layer);
      const outputs = layer === layers ? state.head.outputs : state.settings.hidden[layer - 1];
      for (let j = 0; j < outputs; j++) {
        inputs.forEach((from, input) => {
          const d = linkPath(net, from, layer + ":" + j);
          const path = svgElement("path", { d, class: "link" }, net.svg);
          const hit = svgElement("path", { d, class: "link-hit" }, net.svg);
          const link = { layer, neuron: j, input, path, from };
          hit.addEventListener("click", (event) => net.on.weight(layer, j, input, event));
          hit.addEventListener("mouseenter", () => path.classList.add("hover"));
          hit.addEventListener("mouseleave", () => path.classList.remove("hover"));
          net.links.push(link);
          link.hit = hit;
        });
      }
    }
  }

  function strokeOf(w) {
    const size = Math.min(Math.abs(w), 3);
    return { width: (0.6 + 1.6 * size).toFixed(2), color: NL.colors.css(NL.colors.signed(w < 0 ? -1 : 1), (0.35 + 0.65 * Math.min(1, Math.abs(w))).toFixed(2)) };
  }

  /** Draw a Frame: every neuron's map, every link's weight, every bias. */
  function update(net, frame) {
    for (const map of frame.neurons || []) {
      const key = map.layer + ":" + map.neuron;
      net.maps[key] = map;
      const entry = net.nodes[key];
      if (entry) NL.heatmap.paintValues(entry.node.querySelector("canvas"), map);
    }
    for (const link of net.links) {
      const w = frame.weights[link.layer - 1].weight[link.neuron][link.input];
      const stroke = strokeOf(w === null ? 0 : w);
      link.path.setAttribute("stroke-width", stroke.width);
      link.path.setAttribute("stroke", stroke.color);
      link.weight = w;
      link.hit.replaceChildren(svgElement("title", {}));
      link.hit.firstChild.textContent = "weight " + NL.format.number(w) + " · click to set it";
    }
    for (const b of net.biases) {
      const value = frame.weights[b.layer - 1].bias[b.neuron];
      b.el.style.background = NL.colors.css(NL.colors.signed(value === null ? 0 : Math.max(-1, Math.min(1, value))));
      b.el.title = "bias " + NL.format.number(value) + " · click to set it";
    }
  }

  function hoverMap(net, node, what) {
    node.addEventListener("mouseenter", () => NL.network.showTip(net, node, what));
    node.addEventListener("mouseleave", () => NL.network.hideTip());
  }

  /** The enlarged heatmap of a tile, next to it. */
  function showTip(net, node, what) {
    const map = what.kind === "feature" ? what.map : net.maps[what.key];
    if (!map) return;
    const tip = document.getElementById("tooltip");
    tip.replaceChildren();
    const canvas = element("canvas", "", tip);
    NL.heatmap.paintValues(canvas, map);
    const caption = element("div", "tip-caption", tip);
    caption.textContent = `${what.label} · from ${NL.format.number(map.range[0])} to ${NL.format.number(map.range[1])}`;
    const r = node.getBoundingClientRect();
    tip.hidden = false;
    tip.style.left = Math.min(r.right + 10, window.innerWidth - 190) + "px";
    tip.style.top = Math.max(8, Math.min(r.top - 40, window.innerHeight - 220)) + "px";
  }

  function hideTip() {
    document.getElementById("tooltip").hidden = true;
  }

  /** Mark the neuron chosen for the card (null: none). */
  function select(net, layer, neuron) {
    net.selected = layer === null ? null : { layer, neuron };
    for (const [key, entry] of Object.entries(net.nodes)) {
      entry.node.classList.toggle("selected", key === layer + ":" + neuron);
    }
  }

  return { create, build, update, select, showTip, hideTip };
})();

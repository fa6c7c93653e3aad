// The neuron card: one neuron on one point, every number of its forward and backward pass,
// as Python's card computed it (lab/card.py). The page only lays the numbers out.
"use strict";
window.NL = window.NL || {};

NL.card = (function () {
  const element = NL.dom.element;

  /** A table cell holding one of Python's numbers: shown short, kept whole in data-value. */
  function numberCell(row, value, tag) {
    const cell = element(tag || "td", "num", row, NL.format.number(value));
    cell.dataset.value = String(value);
    return cell;
  }

  /** The class that colours a number by its sign ("zero" for 0). */
  function sign(value) {
    return value < 0 ? "neg" : value > 0 ? "pos" : "zero";
  }

  function summary(el, card) {
    const strip = element("div", "card-strip", el);
    const parts = [
      ["z = Σ w·a + b", card.z, "z"],
      [card.activation === "linear" ? "output = z" : `output = ${card.activation}(z)`, card.output, "output"],
      ["loss L on this point", card.loss, "loss"],
      ["δ = dL/dz", card.delta, "delta"],
    ];
    for (const [label, value, key] of parts) {
      const box = element("div", "strip-item " + (key === "loss" ? "" : sign(value)), strip);
      element("div", "label", box, label);
      const number = element("div", "num big", box, NL.format.number(value));
      number.dataset.value = String(value);
      number.dataset.key = key;
    }
  }

  function tableHead(table) {
    const head = element("tr", "", element("thead", "", table));
    for (const title of ["input aᵢ", "aᵢ", "weight wᵢ", "wᵢ·aᵢ", "dL/dwᵢ = δ·aᵢ", "wᵢ before", "after one step"]) {
      element("th", "", head, title);
    }
  }

  function weightRow(body, card, i) {
    const row = element("tr", "", body);
    row.dataset.input = String(i);
    element("td", "name", row, card.inputs[i].name);
    numberCell(row, card.inputs[i].value);
    numberCell(row, card.weights[i]).classList.add(sign(card.weights[i]));
    numberCell(row, card.terms[i]);
    numberCell(row, card.grads.weights[i]);
    numberCell(row, card.update.weights[i][0]);
    numberCell(row, card.update.weights[i][1]);
  }

  function biasRow(body, card) {
    const row = element("tr", "bias-row", body);
    row.dataset.input = "-1";
    element("td", "name", row, "bias b");
    element("td", "num muted", row, "1");
    numberCell(row, card.bias).classList.add(sign(card.bias));
    numberCell(row, card.bias);
    numberCell(row, card.grads.bias);
    numberCell(row, card.update.bias[0]);
    numberCell(row, card.update.bias[1]);
  }

  function lines(el, card) {
    const details = element("details", "card-lines", el);
    details.open = true;
    element("summary", "", details, "the card's working, line by line");
    element("pre", "", details, card.lines.join("\n"));
  }

  /** Draw a Card into `el` (the panel), with its point and step in the heading. */
  function render(el, card, step) {
    el.replaceChildren();
    const heading = element("div", "card-heading", el);
    const x = card.x.map((v) => NL.format.number(v)).join(", ");
    heading.textContent = `layer ${card.layer}, neuron ${card.neuron} (${card.activation}) on point #${card.point} at (${x}), label ${NL.format.number(card.label)} · after step ${step} · lr ${NL.format.number(card.lr)}`;
    summary(el, card);
    const table = element("table", "card-table", el);
    tableHead(table);
    const body = element("tbody", "", table);
    card.inputs.forEach((_, i) => weightRow(body, card, i));
    biasRow(body, card);
    lines(el, card);
  }

  /** What the panel says before a point is chosen. */
  function prompt(el, text) {
    el.replaceChildren(element("p", "prompt", null, text));
  }

  return { render, prompt };
})();

// The names page's samples: ten words the model wrote, each a button; a click shows, at each
// position, the model's probability for every next character as bars, the drawn one marked.
"use strict";
window.NL = window.NL || {};

NL.namesSamples = (function () {
  const svg = NL.dom.svg;
  const element = NL.dom.element;

  /** The ten samples as buttons; onPick(word) when one is clicked (`chosen` stays marked). */
  function show(box, words, chosen, onPick) {
    box.replaceChildren();
    for (const word of words) {
      const b = element("button", "sample" + (word === chosen ? " on" : ""), box, word || "(empty)");
      b.title = "what the model weighed at each letter of " + JSON.stringify(word);
      b.addEventListener("click", () => onPick(word));
    }
  }

  /** One position: the context read, then a bar for every character, the drawn one marked. */
  function position(box, characters, step) {
    const W = 560, H = 58, B = 12;
    const row = element("div", "position", box);
    const head = element("div", "position-head", row);
    const context = element("span", "context", head, step.context);
    context.title = "the characters the model read (\".\" pads the start)";
    head.append(" → ");
    element("b", "drawn", head, step.drawn === "." ? ". (end)" : step.drawn);
    element("span", "num drawn-p", head, "p = " + NL.format.number(step.probs[step.drawn_index], 3));
    const root = svg("svg", { class: "plot bars", viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: "none" }, row);
    const width = W / characters.length;
    const top = Math.max(...step.probs) || 1;
    [...characters].forEach((ch, i) => {
      const h = (step.probs[i] / top) * (H - B - 2);
      const drawn = i === step.drawn_index;
      svg("rect", { x: i * width + 0.5, y: H - B - h, width: width - 1, height: Math.max(h, 0.5), class: drawn ? "bar drawn" : "bar" }, root);
      svg("text", { x: i * width + width / 2, y: H - 1, class: "tick" + (drawn ? " drawn" : "") }, root, ch);
    });
  }

  /** The explanation of a word (what /names/api/explain answered). */
  function explain(box, answer) {
    box.replaceChildren();
    box.hidden = false;
    const head = element("div", "explain-head", box);
    element("b", "", head, answer.word);
    head.append(` — the model's probability for each next character now, at temperature ${NL.format.number(answer.temperature, 2)} (bars scaled to the likeliest; the drawn one in blue)`);
    const close = element("button", "link close", head, "×");
    close.setAttribute("aria-label", "close the explanation");
    close.addEventListener("click", () => (box.hidden = true));
    const list = element("div", "positions", box);
    for (const step of answer.positions) position(list, answer.characters, step);
  }

  return { show, explain };
})();

// What the page says around the drawings: an error beside the control that caused it, the
// banner (a diverged run), the weight editor, the legend, the warnings and the address bar.
"use strict";
window.NL = window.NL || {};

NL.ui = (function () {
  const $ = (id) => document.getElementById(id);

  const element = NL.dom.element;

  /** Where a field's error is shown: "hidden[1]" beside the layers, "x1" under the plane... */
  const PLACES = { x1: "point", x2: "point", layer: "inspector", neuron: "inspector", root: "inspector", name: "banner", body: "banner", settings: "banner", query: "banner" };

  function placeOf(field) {
    const base = (field || "").replace(/\[.*$/, "");
    if ($("popup").hidden === false && ["value", "layer", "neuron", "input"].includes(base)) return "popup";
    return PLACES[base] || base;
  }

  /** "hidden[1]" -> "hidden layer 2: ", the words that say which of a list's items is meant. */
  function which(field) {
    const m = /^(hidden|activations)\[(\d+)\]$/.exec(field || "");
    if (!m) return "";
    return (m[1] === "hidden" ? "hidden layer " : "the activation of layer ") + (Number(m[2]) + 1) + ": ";
  }

  /** Show the server's message beside the control its field names (the banner if none). */
  function showError(error, fallback) {
    const place = placeOf(error.field || fallback);
    const message = which(error.field) + error.message;
    if (place === "popup") {
      $("popup").querySelector(".field-error").textContent = message;
      return;
    }
    let slot = document.querySelector(`[data-error="${place}"]`);
    if (!slot && fallback) slot = document.querySelector(`[data-error="${placeOf(fallback)}"]`);
    if (!slot) return banner(message, "error");
    slot.textContent = message;
    slot.classList.add("shown");
    const control = document.querySelector(`[data-field="${place}"]`);
    if (control) control.classList.add("has-error");
  }

  function clearErrors() {
    for (const slot of document.querySelectorAll(".field-error.shown")) {
      slot.textContent = "";
      slot.classList.remove("shown");
    }
    for (const el of document.querySelectorAll(".has-error")) el.classList.remove("has-error");
    if ($("banner").dataset.kind === "error") banner(null);
  }

  /** The banner under the top bar (null hides it); kind "error" or "diverged". */
  function banner(message, kind) {
    const el = $("banner");
    el.hidden = !message;
    el.textContent = message || "";
    el.dataset.kind = message ? kind : "";
  }

  /** The editor of one weight (input -1: the bias), by the place clicked; onSet(value). */
  function weightEditor(event, title, value, onSet) {
    const popup = $("popup");
    popup.replaceChildren();
    element("div", "popup-title", popup, title);
    const row = element("div", "row", popup);
    const input = element("input", "", row);
    input.type = "number";
    input.step = "any";
    input.value = String(value);
    input.setAttribute("aria-label", "new value");
    const set = element("button", "small", row, "set");
    const cancel = element("button", "link", row, "cancel");
    element("div", "field-error shown", popup);
    const submit = () => onSet(input.value.trim() === "" ? null : Number(input.value));
    set.addEventListener("click", submit);
    input.addEventListener("keydown", (e) => e.key === "Enter" && submit());
    cancel.addEventListener("click", closePopup);
    popup.hidden = false;
    popup.style.left = Math.min(event.clientX + 12, window.innerWidth - 250) + "px";
    popup.style.top = Math.min(event.clientY + 12, window.innerHeight - 120) + "px";
    input.focus();
    input.select();
  }

  function closePopup() {
    $("popup").hidden = true;
  }

  function classLegend(box, state) {
    for (let k = 0; k < Math.max(state.classes, 2); k++) {
      const chip = element("span", "chip", box);
      const dot = element("i", "dot", chip);
      dot.style.background = NL.colors.css(NL.colors.classColor(k, 1));
      chip.append("class " + k);
    }
  }

  function valueLegend(box, range) {
    element("span", "num", box, NL.format.number(range[0]));
    const bar = element("canvas", "scale", box);
    bar.width = 120;
    bar.height = 1;
    const context = bar.getContext("2d");
    const top = Math.max(Math.abs(range[0]), Math.abs(range[1])) || 1;
    for (let i = 0; i < 120; i++) {
      context.fillStyle = NL.colors.css(NL.colors.signed((range[0] + ((range[1] - range[0]) * i) / 119) / top));
      context.fillRect(i, 0, 1, 1);
    }
    element("span", "num", box, NL.format.number(range[1]));
  }

  /** What the colours of the plane mean. */
  function legend(state) {
    const box = $("legend");
    box.replaceChildren();
    if (state.task === "classification") classLegend(box, state);
    else valueLegend(box, state.frame.output.range);
    const train = element("span", "chip", box);
    element("i", "dot train", train);
    train.append("training");
    const test = element("span", "chip", box);
    element("i", "dot test", test);
    test.append("test");
  }

  function warnings(list) {
    const box = $("warnings");
    box.replaceChildren();
    for (const text of list || []) element("p", "warning", box, "⚠ " + text);
  }

  /** The address bar: the token and the run's settings (a preset's name when one was chosen). */
  function address(query, preset) {
    const params = new URLSearchParams({ token: NL.api.token });
    if (preset) params.set("preset", preset); // a preset may set weights too: its name says it all
    for (const [k, v] of Object.entries(query)) params.set(k, v);
    history.replaceState(null, "", "?" + params.toString());
  }

  /** What both pages do with the server, for a page's `app` and its `showState`/`showFrame`:
   * `onMessage` for the socket, `setPlaying` for the play button, and `act`, a POST whose
   * answer is the State (an error goes beside the control `field`; true when it worked). */
  function page(app, showState, showFrame) {
    function setPlaying(playing) {
      app.playing = playing;
      $("play").setAttribute("aria-label", playing ? "pause" : "play");
      $("play").classList.toggle("playing", playing);
    }

    function onMessage(message) {
      if (message.type === "state") showState(message);
      else if (message.type === "frame") showFrame(message);
      else if (message.type === "status") setPlaying(message.playing);
      else if (message.type === "error") showError({ message: message.error, field: message.field }, null);
    }

    async function act(path, body, field) {
      try {
        const state = await NL.api.post(path, body);
        clearErrors();
        showState(state);
        return true;
      } catch (error) {
        showError(error, field);
        return false;
      }
    }

    return { setPlaying, onMessage, act };
  }

  return { showError, clearErrors, banner, weightEditor, closePopup, legend, warnings, address, page };
})();

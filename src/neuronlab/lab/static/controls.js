// The controls on the left: the data and the training settings. Each control sends its field
// to the server (app.change) and shows the State it gets back; an error appears beside it.
// Every menu's names come from the server (state.menus, read from the library's registries).
"use strict";
window.NL = window.NL || {};

NL.controls = (function () {
  const LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
  const REG_RATES = [0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
  const SELECTS = ["optimizer", "loss", "regularization", "init"];

  const $ = (id) => document.getElementById(id);

  const svg = NL.dom.svg;

  const ORANGE = "#eb891e";
  const BLUE = "#116fb8";
  const GREEN = "#2e9e54";

  function dots(icon, points, color) {
    for (const [x, y] of points) svg("circle", { cx: x, cy: y, r: 1.8, fill: color }, icon);
  }

  function ring(n, r, cx, cy) {
    return Array.from({ length: n }, (_, i) => [cx + r * Math.cos((2 * Math.PI * i) / n), cy + r * Math.sin((2 * Math.PI * i) / n)]);
  }

  /** A small picture of each dataset the menu may hold (a drawing of its shape, not its points);
   *  a dataset without one is shown by its name alone. */
  const ICONS = {
    circles: (icon) => {
      dots(icon, ring(7, 5, 18, 18), BLUE);
      dots(icon, ring(14, 13, 18, 18), ORANGE);
    },
    xor: (icon) => {
      dots(icon, [[8, 8], [12, 11], [24, 25], [28, 28], [10, 13], [26, 23]], BLUE);
      dots(icon, [[25, 9], [28, 12], [8, 26], [11, 29], [23, 12], [12, 24]], ORANGE);
    },
    moons: (icon) => {
      svg("path", { d: "M5 20 A10 10 0 0 1 25 20", fill: "none", stroke: ORANGE, "stroke-width": 3.5, "stroke-dasharray": "1 3", "stroke-linecap": "round" }, icon);
      svg("path", { d: "M13 16 A10 10 0 0 0 33 16", fill: "none", stroke: BLUE, "stroke-width": 3.5, "stroke-dasharray": "1 3", "stroke-linecap": "round" }, icon);
    },
    spiral: (icon) => {
      const arm = (turn, color) => dots(icon, Array.from({ length: 11 }, (_, i) => [18 + i * 1.4 * Math.cos(i * 0.55 + turn), 18 + i * 1.4 * Math.sin(i * 0.55 + turn)]), color);
      arm(0, ORANGE);
      arm(Math.PI, BLUE);
    },
    blobs: (icon) => {
      dots(icon, ring(5, 3, 10, 11), ORANGE);
      dots(icon, ring(5, 3, 26, 12), BLUE);
      dots(icon, ring(5, 3, 17, 26), GREEN);
    },
    plane: (icon) => {
      for (let i = 0; i < 6; i++) svg("rect", { x: 3 + i * 5, y: 3, width: 5, height: 30, fill: NL.colors.css(NL.colors.signed(-1 + i * 0.4)) }, icon);
    },
    bumps: (icon) => {
      svg("rect", { x: 3, y: 3, width: 30, height: 30, fill: NL.colors.css(NL.colors.ZERO) }, icon);
      svg("circle", { cx: 12, cy: 12, r: 7, fill: NL.colors.css(NL.colors.signed(0.8)) }, icon);
      svg("circle", { cx: 24, cy: 24, r: 7, fill: NL.colors.css(NL.colors.signed(-0.8)) }, icon);
    },
    custom: (icon) => {
      dots(icon, [[9, 10], [14, 22], [27, 9], [22, 27]], ORANGE);
      dots(icon, [[18, 15], [28, 20], [8, 28]], BLUE);
    },
  };
  function datasetButtons(app, menu) {
    const box = $("datasets");
    box.replaceChildren();
    for (const { name, title, summary } of menu) {
      const button = document.createElement("button");
      button.className = "dataset";
      button.dataset.name = name;
      button.title = summary;
      const icon = svg("svg", { viewBox: "0 0 36 36", width: 36, height: 36, "aria-hidden": "true" }, button);
      if (ICONS[name]) ICONS[name](icon);
      const caption = document.createElement("span");
      caption.textContent = title;
      button.appendChild(caption);
      if (name !== "custom") button.addEventListener("click", () => app.change({ dataset: name }, "dataset"));
      box.appendChild(button);
    }
  }

  function fillSelect(select, values, shown) {
    select.replaceChildren();
    for (const value of values) {
      const option = document.createElement("option");
      option.value = String(value);
      option.textContent = shown ? shown(value) : String(value);
      select.appendChild(option);
    }
  }

  /** A select of a menu from the server: each option its name, shown by its title, its summary on hover. */
  function fillMenu(select, menu) {
    select.replaceChildren();
    for (const { name, title, summary } of menu) {
      const option = document.createElement("option");
      option.value = name;
      option.textContent = title;
      option.title = summary;
      select.appendChild(option);
    }
  }

  let menusShown = null;

  /** The menus of the State (once: they are the same for every State of a lab). */
  function showMenus(app, menus) {
    if (menusShown === menus || JSON.stringify(menusShown) === JSON.stringify(menus)) return;
    menusShown = menus;
    datasetButtons(app, menus.dataset);
    for (const field of SELECTS) fillMenu($(field), menus[field]);
  }

  /** A select of numbers keeps the current one even when it is not in the list (from a URL). */
  function numberSelect(select, values, current) {
    const all = values.includes(current) ? values : [...values, current].sort((a, b) => a - b);
    fillSelect(select, all, (v) => String(v));
    select.value = String(current);
  }

  function bindSelects(app) {
    for (const field of SELECTS) {
      $(field).addEventListener("change", () => app.change({ [field]: $(field).value }, field));
    }
    for (const field of ["lr", "reg_rate"]) {
      $(field).addEventListener("change", () => app.change({ [field]: Number($(field).value) }, field));
    }
  }

  /** A number box sends its value as typed (the server says when it cannot be taken). */
  function bindNumber(app, field) {
    $(field).addEventListener("change", () => {
      const text = $(field).value.trim();
      app.change({ [field]: text === "" ? null : Number(text) }, field);
    });
  }

  function bindSliders(app) {
    $("noise").addEventListener("input", () => ($("noise-out").textContent = $("noise").value + "%"));
    $("noise").addEventListener("change", () => app.change({ noise: Number($("noise").value) / 100 }, "noise"));
    $("test_ratio").addEventListener("input", () => ($("test_ratio-out").textContent = $("test_ratio").value + "%"));
    $("test_ratio").addEventListener("change", () => app.change({ test_ratio: 1 - Number($("test_ratio").value) / 100 }, "test_ratio"));
  }

  /** Make the controls (once); `app` has change(changes, field), upload(file) and regenerate(). */
  function create(app) {
    bindSelects(app);
    for (const field of ["points", "batch_size", "seed"]) bindNumber(app, field);
    bindSliders(app);
    $("regenerate").addEventListener("click", () => app.regenerate());
    $("upload").addEventListener("change", () => {
      const file = $("upload").files[0];
      if (file) app.upload(file);
      $("upload").value = "";
    });
  }

  function classButtons(app, s, menus) {
    const box = $("classes");
    box.replaceChildren();
    for (let k = 2; k <= 6; k++) {
      const b = document.createElement("button");
      b.textContent = String(k);
      b.className = k === s.classes ? "on" : "";
      b.addEventListener("click", () => app.change({ classes: k }, "classes"));
      box.appendChild(b);
    }
    $("classes-row").hidden = !menus.dataset.some((d) => d.name === s.dataset && d.classes);
  }

  /** Show a State's settings in the controls. */
  function show(app, state) {
    const s = state.settings;
    showMenus(app, state.menus);
    for (const b of document.querySelectorAll("#datasets .dataset")) b.classList.toggle("on", b.dataset.name === s.dataset);
    classButtons(app, s, state.menus);
    $("noise").value = Math.round(s.noise * 100);
    $("noise-out").textContent = Math.round(s.noise * 100) + "%";
    $("test_ratio").value = Math.round((1 - s.test_ratio) * 100);
    $("test_ratio-out").textContent = Math.round((1 - s.test_ratio) * 100) + "%";
    for (const field of ["points", "batch_size", "seed"]) $(field).value = s[field];
    if (s.dataset === "custom") $("points").value = state.points.length; // your points, counted
    numberSelect($("lr"), LEARNING_RATES, s.lr);
    numberSelect($("reg_rate"), REG_RATES, s.reg_rate);
    for (const field of SELECTS) $(field).value = s[field];
    $("reg_rate").disabled = s.regularization === "none";
    $("layer-count").textContent = s.hidden.length + (s.hidden.length === 1 ? " hidden layer" : " hidden layers");
    $("points").disabled = s.dataset === "custom";
    $("noise").disabled = s.dataset === "custom";
  }

  return { create, show };
})();

// Colours: one rule everywhere -- orange is negative, blue is positive, pale is zero --
// and a colour for each class (class 0 orange, class 1 blue, as in TensorFlow Playground).
"use strict";
window.NL = window.NL || {};

NL.colors = (function () {
  const NEGATIVE = [235, 137, 30];
  const ZERO = [244, 245, 247];
  const POSITIVE = [17, 111, 184];
  const CLASSES = [
    [235, 137, 30], // orange
    [17, 111, 184], // blue
    [46, 158, 84], // green
    [140, 86, 196], // purple
    [214, 59, 74], // red
    [20, 158, 168], // teal
  ];

  function mix(a, b, t) {
    return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
  }

  /** The colour of a value t in [-1, 1]: orange below zero, blue above, pale at zero. */
  function signed(t) {
    const c = Math.max(-1, Math.min(1, t));
    return c < 0 ? mix(ZERO, NEGATIVE, -c) : mix(ZERO, POSITIVE, c);
  }

  function css(rgb, alpha) {
    const [r, g, b] = rgb.map((v) => Math.round(v));
    return alpha === undefined ? `rgb(${r},${g},${b})` : `rgba(${r},${g},${b},${alpha})`;
  }

  /** 256 colours for the bytes of a heatmap sent over [low, high] (zero is pale). */
  function valueTable(low, high) {
    const table = new Uint8ClampedArray(256 * 3);
    const top = Math.max(Math.abs(low), Math.abs(high)) || 1;
    for (let b = 0; b < 256; b++) {
      const rgb = signed((low + ((high - low) * b) / 255) / top);
      table.set(rgb, b * 3);
    }
    return table;
  }

  /** The colour of class k at a strength from 0 (pale) to 1 (the class's own colour). */
  function classColor(k, strength) {
    return mix(ZERO, CLASSES[k % CLASSES.length], strength);
  }

  /** The pale-to-strong table of each class, indexed by the confidence byte. */
  function classTables(classes) {
    const tables = [];
    for (let k = 0; k < classes; k++) {
      const table = new Uint8ClampedArray(256 * 3);
      for (let b = 0; b < 256; b++) {
        const sure = Math.max(0, (b / 255 - 1 / classes) / (1 - 1 / classes));
        table.set(classColor(k, 0.12 + 0.68 * sure), b * 3);
      }
      tables.push(table);
    }
    return tables;
  }

  return { signed, css, valueTable, classColor, classTables, CLASSES, ZERO };
})();

// Heatmaps: the bytes Python sent (base64, row 0 at the top, x2 = 6) painted into a canvas.
// A canvas holds one pixel per grid cell; CSS scales it to its size on the page.
"use strict";
window.NL = window.NL || {};

NL.heatmap = (function () {
  /** The bytes of a base64 text. */
  function bytes(text) {
    const raw = atob(text);
    const out = new Uint8Array(raw.length);
    for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }

  function sized(canvas, size) {
    if (canvas.width !== size) canvas.width = size;
    if (canvas.height !== size) canvas.height = size;
    const context = canvas.getContext("2d");
    return { context, image: context.createImageData(size, size) };
  }

  /** Bytes to the nearest of `levels` bands (the "discretize" toggle for heights). */
  function banded(b, levels) {
    return Math.round(Math.round((b / 255) * (levels - 1)) * (255 / (levels - 1)));
  }

  /** A map of values {size, range: [low, high], values}: orange negative, blue positive. */
  function paintValues(canvas, map, discrete) {
    const { context, image } = sized(canvas, map.size);
    const table = NL.colors.valueTable(map.range[0], map.range[1]);
    const values = bytes(map.values);
    const data = image.data;
    for (let i = 0; i < values.length; i++) {
      const b = discrete ? banded(values[i], 9) : values[i];
      data[i * 4] = table[b * 3];
      data[i * 4 + 1] = table[b * 3 + 1];
      data[i * 4 + 2] = table[b * 3 + 2];
      data[i * 4 + 3] = 255;
    }
    context.putImageData(image, 0, 0);
  }

  /** The output of a classifier {size, classes, confidence}: the class's colour, as sure as it is. */
  function paintClasses(canvas, map, classes, discrete) {
    const { context, image } = sized(canvas, map.size);
    const tables = NL.colors.classTables(Math.max(classes, 2));
    const chosen = bytes(map.classes);
    const sure = bytes(map.confidence);
    const data = image.data;
    for (let i = 0; i < chosen.length; i++) {
      const table = tables[chosen[i]] || tables[0];
      const b = discrete ? 200 : sure[i];
      data[i * 4] = table[b * 3];
      data[i * 4 + 1] = table[b * 3 + 1];
      data[i * 4 + 2] = table[b * 3 + 2];
      data[i * 4 + 3] = 255;
    }
    context.putImageData(image, 0, 0);
  }

  /** The output map of a frame, whichever kind it is. */
  function paintOutput(canvas, map, classes, discrete) {
    if (map.kind === "classes") paintClasses(canvas, map, classes, discrete);
    else paintValues(canvas, map, discrete);
  }

  return { bytes, paintValues, paintClasses, paintOutput };
})();

// Making the page's elements: one HTML helper and one SVG helper that every script uses.
"use strict";
window.NL = window.NL || {};

NL.dom = (function () {
  const SVG = "http://www.w3.org/2000/svg";

  /** A new HTML element with a class (optional), added to `parent`, holding `text`. */
  function element(tag, className, parent, text) {
    const el = document.createElement(tag);
    if (className) el.className = className;
    if (text !== undefined) el.textContent = text;
    if (parent) parent.appendChild(el);
    return el;
  }

  /** A new SVG element with these attributes, added to `parent`, holding `text`. */
  function svg(tag, attributes, parent, text) {
    const el = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attributes)) el.setAttribute(k, v);
    if (text !== undefined) el.textContent = text;
    if (parent) parent.appendChild(el);
    return el;
  }

  return { element, svg, SVG };
})();

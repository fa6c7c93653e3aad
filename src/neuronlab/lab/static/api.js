// The lab's wire: JSON requests to the server (with the token) and the one WebSocket.
// Every number the page shows arrives here from Python; this file computes none.
"use strict";
window.NL = window.NL || {};

NL.api = (function () {
  const token = document.querySelector('meta[name="lab-token"]').content;

  /** An answer of 4xx or 5xx: the server's message and the field it is about. */
  class LabError extends Error {
    constructor(status, body) {
      super(body && body.error ? body.error : "the lab did not answer (" + status + ")");
      this.status = status;
      this.field = body && body.field ? body.field : null;
    }
  }

  /** The address of a server path, with the token (for links and downloads). */
  function url(path) {
    return path + (path.includes("?") ? "&" : "?") + "token=" + encodeURIComponent(token);
  }

  async function answer(response) {
    const type = response.headers.get("content-type") || "";
    const body = type.includes("json") ? await response.json() : await response.text();
    if (!response.ok) throw new LabError(response.status, typeof body === "object" ? body : null);
    return body;
  }

  async function send(method, path, body, contentType) {
    const headers = { "X-Lab-Token": token };
    if (body !== undefined) headers["Content-Type"] = contentType || "application/json";
    let response;
    try {
      const payload = body === undefined || contentType ? body : JSON.stringify(body);
      response = await fetch(path, { method, headers, body: payload });
    } catch (e) {
      throw new LabError(0, { error: "the lab's server cannot be reached: is it still running?" });
    }
    return answer(response);
  }

  const get = (path) => send("GET", path);
  const post = (path, body) => send("POST", path, body || {});
  const upload = (path, bytes, type) => send("POST", path, bytes, type || "text/csv");

  /** The live link (`path`: "/ws", or "/names/ws" for the names page): messages to onMessage,
   * and whether it is connected to onLink. */
  function connect(onMessage, onLink, path) {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    let socket = null;
    function open() {
      socket = new WebSocket(scheme + location.host + (path || "/ws") + "?token=" + encodeURIComponent(token));
      socket.onopen = () => onLink(true);
      socket.onmessage = (event) => onMessage(JSON.parse(event.data));
      socket.onclose = () => {
        onLink(false);
        setTimeout(open, 1000);
      };
    }
    open();
    return { send: (message) => socket && socket.readyState === 1 && socket.send(JSON.stringify(message)) };
  }

  return { token, url, get, post, upload, connect, LabError };
})();

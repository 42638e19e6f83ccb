// Follow a trip's server-sent events (GET /v1/trips/{id}/stream) with fetch, which can
// send the bearer token (EventSource cannot). Reconnects with Last-Event-ID.

import { token } from "./api.js";

/**
 * Call onNotice({id, event, data}) for each notice of the trip until the returned stop()
 * is called. Network failures retry after `retryMs`; nothing is logged to the console.
 */
export function follow(tripId, onNotice, retryMs = 3000) {
  const controller = new AbortController();
  let lastId = null;
  let stopped = false;

  async function readOnce() {
    const headers = { Accept: "text/event-stream", Authorization: `Bearer ${token()}` };
    if (lastId !== null) headers["Last-Event-ID"] = String(lastId);
    const response = await fetch(`/v1/trips/${tripId}/stream`, { headers, signal: controller.signal });
    if (!response.ok || !response.body) return false;
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    let current = {};
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return true;
      buffer += value;
      let cut;
      while ((cut = buffer.indexOf("\n")) >= 0) {
        const line = buffer.slice(0, cut).replace(/\r$/, "");
        buffer = buffer.slice(cut + 1);
        if (line === "") {
          if (current.data !== undefined) {
            if (current.id !== undefined) lastId = Number(current.id);
            let data = null;
            try { data = JSON.parse(current.data); } catch { data = { text: current.data }; }
            onNotice({ id: lastId, event: current.event || "message", data });
          }
          current = {};
        } else if (!line.startsWith(":")) {
          const colon = line.indexOf(":");
          const name = colon < 0 ? line : line.slice(0, colon);
          const text = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
          current[name] = name === "data" && current.data !== undefined ? `${current.data}\n${text}` : text;
        }
      }
    }
  }

  (async () => {
    while (!stopped) {
      let keepGoing = false;
      try {
        keepGoing = await readOnce();
      } catch {
        keepGoing = !stopped;
      }
      if (!keepGoing || stopped) return; // refused (e.g. 404): do not hammer the server
      await new Promise((resolve) => setTimeout(resolve, retryMs));
    }
  })();

  return () => {
    stopped = true;
    controller.abort();
  };
}

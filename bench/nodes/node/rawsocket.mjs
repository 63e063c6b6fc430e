// A minimal Socket.IO v5 / Engine.IO v4 client over `ws` (WebSocket transport only, text packets
// only): what socket.io-client does after its upgrade, at a few µs per event instead of tens, so
// the client is not what the follower-latency figures measure. Same calls as socket.io-client's
// socket for what the benchmark uses: emit (with an ack), on, once, off, close.

import WebSocket from "ws";

export function rawConnect(url, token) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, "ws")}/socket.io/?EIO=4&transport=websocket`, { perMessageDeflate: false });
    const socket = new RawSocket(ws);
    ws.on("error", (e) => reject(e));
    ws.on("close", () => {
      if (!socket.connected) reject(new Error("connection closed before connecting"));
      socket.connected = false;
    });
    ws.on("message", (buf) => {
      const s = buf.toString();
      switch (s.charCodeAt(0)) {
        case 52 /* 4: message */:
          switch (s.charCodeAt(1)) {
            case 50 /* 2: event */: {
              const [event, ...args] = JSON.parse(s.slice(2));
              socket.dispatch(event, args);
              break;
            }
            case 51 /* 3: ack */: {
              const j = s.indexOf("[");
              const id = Number(s.slice(2, j));
              const fn = socket.acks.get(id);
              socket.acks.delete(id);
              fn?.(...JSON.parse(s.slice(j)));
              break;
            }
            case 48 /* 0: connected */:
              socket.connected = true;
              resolve(socket);
              break;
            case 52 /* 4: connect_error */:
              reject(new Error(`connect_error ${s.slice(2)}`));
              break;
          }
          break;
        case 50 /* 2: ping */:
          ws.send("3");
          break;
        case 48 /* 0: open */:
          ws.send(`40${JSON.stringify({ token })}`);
          break;
      }
    });
  });
}

class RawSocket {
  constructor(ws) {
    this.ws = ws;
    this.connected = false;
    this.handlers = new Map();
    this.acks = new Map();
    this.nextAck = 0;
  }
  dispatch(event, args) {
    const list = this.handlers.get(event);
    if (list) for (const fn of [...list]) fn(...args);
  }
  emit(event, data, ack) {
    let id = "";
    if (ack) {
      id = String(this.nextAck++);
      this.acks.set(Number(id), ack);
    }
    this.ws.send(`42${id}${JSON.stringify([event, data])}`);
  }
  on(event, fn) {
    if (!this.handlers.has(event)) this.handlers.set(event, []);
    this.handlers.get(event).push(fn);
  }
  once(event, fn) {
    const wrapped = (...args) => {
      this.off(event, wrapped);
      fn(...args);
    };
    this.on(event, wrapped);
  }
  off(event, fn) {
    if (!fn) return void this.handlers.delete(event);
    const list = this.handlers.get(event);
    if (list) list.splice(list.indexOf(fn) >>> 0, 1);
  }
  close() {
    this.connected = false;
    try {
      this.ws.close();
    } catch {
      /* already closed */
    }
  }
}

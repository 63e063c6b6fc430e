// A frame-level Engine.IO/Socket.IO websocket client over a plain TCP socket, for the payload
// limit tests: it can announce a frame's length without sending its payload, which the official
// clients never do. Server frames are read as they come; every wait is bounded.

import net from "node:net";
import { randomBytes } from "node:crypto";
import { within } from "./helpers.mjs";

/**
 * Opens `/socket.io/?EIO=4&transport=websocket` on `url` and joins the default namespace with
 * `{token}`. Resolves to the client once the namespace answered.
 */
export async function rawSocketIo(url, token) {
  const { hostname, port } = new URL(url);
  const tcp = net.connect(Number(port), hostname);
  const client = new RawClient(tcp);
  await within(5_000, new Promise((r, j) => tcp.once("connect", r).once("error", j)), "TCP connect");
  const key = randomBytes(16).toString("base64");
  tcp.write(
    `GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: ${hostname}:${port}\r\n` +
      `Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  const open = await client.next("the Engine.IO open packet");
  if (!open.startsWith("0")) throw new Error(`expected the open packet, got ${open.slice(0, 100)}`);
  client.send(`40${JSON.stringify({ token })}`);
  const joined = await client.next("the namespace CONNECT answer");
  if (!joined.startsWith("40")) throw new Error(`expected CONNECT, got ${joined.slice(0, 100)}`);
  return client;
}

class RawClient {
  constructor(tcp) {
    this.tcp = tcp;
    this.buffer = Buffer.alloc(0);
    this.handshaken = false;
    this.messages = [];
    this.waiters = [];
    this.closed = new Promise((resolve) => {
      this.markClosed = resolve;
    });
    tcp.on("data", (data) => this.onData(data));
    tcp.on("close", () => this.markClosed("tcp closed"));
    tcp.on("error", () => this.markClosed("tcp error"));
  }

  onData(data) {
    this.buffer = Buffer.concat([this.buffer, data]);
    if (!this.handshaken) {
      const end = this.buffer.indexOf("\r\n\r\n");
      if (end < 0) return;
      const head = this.buffer.subarray(0, end).toString();
      if (!head.startsWith("HTTP/1.1 101")) throw new Error(`websocket upgrade refused: ${head}`);
      this.handshaken = true;
      this.buffer = this.buffer.subarray(end + 4);
    }
    for (;;) {
      const frame = readFrame(this.buffer);
      if (!frame) return;
      this.buffer = this.buffer.subarray(frame.size);
      if (frame.opcode === 0x8) {
        this.markClosed(`close frame ${frame.payload.length >= 2 ? frame.payload.readUInt16BE(0) : ""}`);
      } else if (frame.opcode === 0x1) {
        const text = frame.payload.toString();
        if (text === "2") this.send("3"); // Engine.IO ping → pong
        else this.push(text);
      }
    }
  }

  push(text) {
    const waiter = this.waiters.shift();
    if (waiter) waiter(text);
    else this.messages.push(text);
  }

  /** The next text message (not a ping). */
  next(what, timeoutMs = 10_000) {
    if (this.messages.length) return Promise.resolve(this.messages.shift());
    return within(timeoutMs, new Promise((r) => this.waiters.push(r)), `waiting for ${what}`);
  }

  /** Sends one masked text frame holding `text`. */
  send(text) {
    const payload = Buffer.from(text);
    this.tcp.write(Buffer.concat([frameHeader(payload.length, MASK), mask(payload)]));
  }

  /** Sends only the header of a text frame announcing `length` payload bytes. */
  announce(length) {
    this.tcp.write(frameHeader(length, MASK));
  }

  close() {
    this.tcp.destroy();
  }
}

const MASK = Buffer.from([1, 2, 3, 4]);

function mask(payload) {
  const out = Buffer.allocUnsafe(payload.length);
  for (let i = 0; i < payload.length; i++) out[i] = payload[i] ^ MASK[i & 3];
  return out;
}

/** A FIN text frame header for `length` bytes with the mask key. */
function frameHeader(length, key) {
  let head;
  if (length < 126) {
    head = Buffer.from([0x81, 0x80 | length]);
  } else if (length < 65536) {
    head = Buffer.alloc(4);
    head[0] = 0x81;
    head[1] = 0x80 | 126;
    head.writeUInt16BE(length, 2);
  } else {
    head = Buffer.alloc(10);
    head[0] = 0x81;
    head[1] = 0x80 | 127;
    head.writeBigUInt64BE(BigInt(length), 2);
  }
  return Buffer.concat([head, key]);
}

/** The first whole (unmasked, server) frame in `buf`, or null. */
function readFrame(buf) {
  if (buf.length < 2) return null;
  const opcode = buf[0] & 0x0f;
  let length = buf[1] & 0x7f;
  let at = 2;
  if (length === 126) {
    if (buf.length < 4) return null;
    length = buf.readUInt16BE(2);
    at = 4;
  } else if (length === 127) {
    if (buf.length < 10) return null;
    length = Number(buf.readBigUInt64BE(2));
    at = 10;
  }
  if (buf.length < at + length) return null;
  return { opcode, payload: buf.subarray(at, at + length), size: at + length };
}

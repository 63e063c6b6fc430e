// One client process of the follower-latency scenario (forked by bench.mjs). For each of its
// streams it holds two sockets: the producer's, on the node that runs the task, and a follower's,
// on the other node (or on the same node for the single-node baseline). On "go" it starts each
// stream at its place in the ramp with `chat_service` (echo model) on the producer's socket and,
// right after the ack, `resume {task_id, from: 0}` on the follower's socket. Every chunk is timed
// on arrival on both sockets with this process's clock and checked against the expected text
// (in order, none lost, none twice). It reports per stream to the parent. The sockets are the
// minimal client of rawsocket.mjs (`client: "raw"`, the default) or socket.io-client ("sio").
//
// With two nodes, every `probeEvery`-th stream is also read straight from its Redis Stream by a
// probe (`XREAD BLOCK` on a connection of its own, as a follower node does), timed with the same
// clock: that splits a chunk's extra latency into producer socket → Redis (node A's batching
// writer) and Redis → follower socket (node B's reader and emit).

import { io } from "socket.io-client";
import { monitorEventLoopDelay } from "node:perf_hooks";
import { redisConnect } from "./redis.mjs";
import { rawConnect } from "./rawsocket.mjs";

const cfg = JSON.parse(process.env.BENCH_WORKER);
const { producerUrl, followerUrl, token, streams, words, delay, firstIndex, totalStreams, rampMs, timeoutMs, redisUrl, probeEvery, client } = cfg;
const probed = (g) => Boolean(redisUrl && probeEvery > 0 && g % probeEvery === 0);

const now = () => performance.now();
const expected = Array.from({ length: words }, (_, i) => `w${i + 1}` + (i + 1 < words ? " " : ""));
const indexOf = new Map(expected.map((w, i) => [w, i]));
const content = expected.join("");

function connect(url) {
  if (client === "raw") return rawConnect(url, token);
  return new Promise((resolve, reject) => {
    const s = io(url, { transports: ["websocket"], auth: { token }, forceNew: true, reconnection: false, timeout: 60_000 });
    s.once("connect", () => resolve(s));
    s.once("connect_error", reject);
    // A connection closed before it connected rejects too (socket.io-client emits no
    // connect_error then, with reconnection off).
    s.io.once("close", (why) => reject(new Error(`connection closed before connecting: ${why}`)));
  });
}

/** One side (producer or follower) of a stream: when each expected chunk first arrived. */
function newSide() {
  return { times: new Array(words).fill(null), next: 0, dup: 0, bad: 0, errors: [], info: false, endAt: null };
}

function onEvent(side, arg, onEnd) {
  const t = now();
  if (typeof arg === "string") {
    if (side.endAt !== null) side.bad++, side.errors.length < 3 && side.errors.push("chunk after end");
    else if (side.next < words && arg === expected[side.next]) side.times[side.next++] = t;
    else if ((indexOf.get(arg) ?? words) < side.next) side.dup++;
    else side.bad++, side.errors.length < 3 && side.errors.push(`chunk ${side.next}: got ${JSON.stringify(arg)}`);
  } else if (arg && typeof arg === "object") {
    if (arg.end === true) {
      if (side.endAt === null) {
        side.endAt = t;
        onEnd();
      } else side.dup++;
    } else if (arg.info) side.info = true;
    else if (arg.error) side.errors.push(`error ${JSON.stringify(arg.error)}`);
  }
}

const pairs = [];
async function connectAll() {
  let next = 0;
  const lanes = Array.from({ length: Math.min(16, streams) }, async () => {
    while (next < streams) {
      const k = next++;
      pairs[k] = { producer: await connect(producerUrl), follower: await connect(followerUrl) };
      if (probed(firstIndex + k)) pairs[k].probe = await redisConnect(redisUrl);
    }
  });
  await Promise.all(lanes);
  for (const p of pairs) {
    for (const s of [p.producer, p.follower]) {
      s.on("disconnect", (why) => p.stat && !p.stat.done && p.stat.errors.push(`disconnected: ${why}`));
    }
  }
}

let remaining = streams;
let finished;
const allDone = new Promise((r) => (finished = r));

function start(p, globalIndex) {
  const st = {
    i: globalIndex,
    emitAt: now(),
    ackAt: null,
    resumeEmitAt: null,
    resumeAckAt: null,
    a: newSide(),
    b: newSide(),
    errors: [],
    done: false,
  };
  p.stat = st;
  const ended = () => {
    if (!st.done && st.a.endAt !== null && st.b.endAt !== null) {
      st.done = true;
      if (--remaining === 0) finished();
    }
  };
  const giveUp = (why) => {
    st.errors.push(why);
    if (!st.done) {
      st.done = true;
      if (--remaining === 0) finished();
    }
  };
  const payload = {
    taskName: "direct_chat",
    taskData: { chat_config: { model_id: "echo", stream: true, messages: [{ role: "user", content }], echo_delay_ms: delay } },
  };
  p.producer.emit("chat_service", payload, (ack) => {
    st.ackAt = now();
    const event = ack?.response_listener_events?.[0];
    if (!event) return giveUp(`start refused: ${JSON.stringify(ack)}`);
    p.producer.on(event, (arg) => onEvent(st.a, arg, ended));
    if (p.probe) probe(p.probe, ack.task_id, st);
    p.follower.on(event, (arg) => onEvent(st.b, arg, ended));
    st.resumeEmitAt = now();
    p.follower.emit("task_service", { taskName: "resume", taskData: { task_id: ack.task_id, from: 0 } }, (rack) => {
      st.resumeAckAt = now();
      if (!rack?.response_listener_events?.length) giveUp(`resume refused: ${JSON.stringify(rack)}`);
    });
  });
}

/**
 * Reads the task's Redis Stream as a follower node does and notes when each chunk became visible
 * there (`st.probe[k]`), until `{end:true}`. One stream entry is one batch: id `0-N` with N the
 * index of its first event plus one, field `e` the events as a JSON array.
 */
async function probe(conn, taskId, st) {
  const key = `promptdeck:task:${taskId}:events`;
  st.probe = new Array(words).fill(null);
  st.probeFrom = now();
  let last = "0-0";
  for (;;) {
    const reply = await conn.command("XREAD", "COUNT", 256, "BLOCK", 2000, "STREAMS", key, last);
    const t = now();
    if (t - st.emitAt > timeoutMs) return;
    for (const [, entries] of reply ?? []) {
      for (const [id, fields] of entries) {
        last = id;
        const first = Number(id.split("-")[1]) - 1;
        const events = JSON.parse(fields[fields.indexOf("e") + 1]);
        for (let i = 0; i < events.length; i++) {
          if (typeof events[i] === "string" && first + i < words) st.probe[first + i] ??= t;
          else if (events[i]?.end === true) return;
        }
      }
    }
  }
}

/** What the parent needs of one stream. */
function report(st) {
  const live = [];
  const replayed = [];
  for (let k = 0; k < words; k++) {
    const ta = st.a.times[k];
    const tb = st.b.times[k];
    if (ta === null || tb === null) continue;
    // A chunk that reached the producer before the follower's resume was acknowledged was
    // replayed to the follower, not followed live.
    (st.resumeAckAt !== null && ta >= st.resumeAckAt ? live : replayed).push(tb - ta);
  }
  // Probed streams: the live chunks the probe was already waiting for, split at Redis.
  const toRedis = [];
  const fromRedis = [];
  if (st.probe) {
    for (let k = 0; k < words; k++) {
      const [ta, tb, tr] = [st.a.times[k], st.b.times[k], st.probe[k]];
      if (ta === null || tb === null || tr === null || ta < st.resumeAckAt || ta < st.probeFrom) continue;
      toRedis.push(tr - ta);
      fromRedis.push(tb - tr);
    }
  }
  const side = (s) => ({
    chunks: s.next,
    lost: words - s.next,
    dup: s.dup,
    bad: s.bad,
    info: s.info,
    ended: s.endAt !== null,
    errors: s.errors,
  });
  return {
    i: st.i,
    live,
    replayed,
    toRedis,
    fromRedis,
    wall: st.a.endAt !== null ? st.a.endAt - st.emitAt : null,
    ack: st.ackAt !== null ? st.ackAt - st.emitAt : null,
    resumeAck: st.resumeAckAt !== null ? st.resumeAckAt - st.resumeEmitAt : null,
    endGap: st.a.endAt !== null && st.b.endAt !== null ? st.b.endAt - st.a.endAt : null,
    producer: side(st.a),
    follower: side(st.b),
    errors: st.errors,
    done: st.done,
  };
}

process.on("message", async (msg) => {
  if (msg.type !== "go") return;
  const lag = monitorEventLoopDelay({ resolution: 1 });
  lag.enable();
  const cpu0 = process.cpuUsage();
  pairs.forEach((p, k) => {
    const g = firstIndex + k;
    setTimeout(() => start(p, g), totalStreams > 1 ? (rampMs * g) / totalStreams : 0);
  });
  const timer = setTimeout(finished, timeoutMs);
  await allDone;
  clearTimeout(timer);
  lag.disable();
  const cpu = process.cpuUsage(cpu0);
  const stats = pairs.map((p) => (p.stat ? report(p.stat) : { i: -1, errors: ["never started"], done: false, live: [], replayed: [] }));
  for (const p of pairs) p.producer.close(), p.follower.close(), p.probe?.close();
  // Exit only once the (large) result is written to the parent.
  process.send(
    {
      type: "result",
      stats,
      cpuUsec: cpu.user + cpu.system,
      loopDelayMs: { p50: lag.percentile(50) / 1e6, p99: lag.percentile(99) / 1e6, max: lag.max / 1e6 },
    },
    () => process.exit(0),
  );
});

connectAll().then(
  () => process.send({ type: "ready" }),
  (e) => {
    process.send({ type: "fatal", error: String(e?.message ?? e) });
    process.exit(1);
  },
);

"""Reference server for the streaming benchmark: python-socketio 5.18.1 on aiohttp (one worker),
speaking the subset of promptdeck's protocol (docs/protocol.md) that the benchmark uses, with the
same echo model.

    python server.py [--port 0] [--token bench-token]

Prints `listening on http://127.0.0.1:PORT`.
"""

import argparse
import asyncio
import re
import time
import uuid

import socketio
from aiohttp import web

CHUNK = re.compile(r"^\s+|\S+\s*")


def chunks(text):
    return CHUNK.findall(text)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--token", default="bench-token")
    args = ap.parse_args()

    sio = socketio.AsyncServer(
        async_mode="aiohttp",
        cors_allowed_origins="*",
        max_http_buffer_size=1 << 20,
        ping_interval=25,
        ping_timeout=20,
    )
    app = web.Application()
    sio.attach(app)

    @sio.event
    async def connect(sid, environ, auth):
        if not isinstance(auth, dict) or auth.get("token") != args.token:
            raise socketio.exceptions.ConnectionRefusedError("unauthorized")

    async def stream(sid, event, task_id, run_id, parts, delay, input_tokens):
        loop = asyncio.get_running_loop()
        start = loop.time()
        ttft = None
        if delay <= 0:
            for p in parts:
                if ttft is None:
                    ttft = (loop.time() - start) * 1000
                await sio.emit(event, p, to=sid)
        else:
            d = delay / 1000.0
            for k, p in enumerate(parts, 1):
                wait = start + k * d - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                if ttft is None:
                    ttft = (loop.time() - start) * 1000
                await sio.emit(event, p, to=sid)
        total = (loop.time() - start) * 1000
        info = {
            "task_id": task_id, "run_id": run_id, "model_id": "echo", "provider": "echo",
            "status": "completed", "tokens_input": input_tokens, "tokens_output": len(parts),
            "tokens_total": input_tokens + len(parts), "cost": 0,
            "time_to_first_token": ttft, "total_time": total,
        }
        await sio.emit(event, {"info": info}, to=sid)
        await sio.emit(event, {"end": True}, to=sid)

    @sio.on("chat_service")
    async def chat_service(sid, payload):
        cfg = (payload or {}).get("taskData", {}).get("chat_config") if isinstance(payload, dict) else None
        if (not isinstance(cfg, dict) or payload.get("taskName") != "direct_chat"
                or cfg.get("model_id") != "echo" or not isinstance(cfg.get("messages"), list)):
            return {"response_listener_events": [], "error": {"code": "invalid_request", "message": "bad chat_config"}}
        msgs = cfg["messages"]
        last = next((m for m in reversed(msgs) if m.get("role") == "user"), None)
        parts = chunks(last.get("content", "") if last else "")
        input_tokens = sum(len(str(m.get("content", "")).split()) for m in msgs)
        delay = float(cfg.get("echo_delay_ms") or 0)
        task_id = payload.get("taskId") if isinstance(payload.get("taskId"), str) else str(uuid.uuid4())
        run_id = str(uuid.uuid4())
        event = f"response-{task_id}"
        # The ack is sent when this handler returns; the stream task's first emit is queued after it.
        asyncio.get_running_loop().call_soon(
            lambda: asyncio.ensure_future(stream(sid, event, task_id, run_id, parts, delay, input_tokens)))
        return {"response_listener_events": [event], "task_id": task_id, "run_id": run_id}

    async def on_startup(app):
        pass

    async def start():
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", args.port, backlog=4096)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        print(f"listening on http://127.0.0.1:{port}", flush=True)
        await asyncio.Event().wait()

    try:
        asyncio.run(start())
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()

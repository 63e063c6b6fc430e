"""Fixtures for the python-socketio protocol tests: the real `promptdeck` binary on a fresh SQLite
database, users signed up over REST, and connected `socketio.Client`s. Every wait is bounded."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
import uuid
from pathlib import Path

import pytest
import requests
import socketio

HERE = Path(__file__).resolve().parent
BIN = Path(os.environ.get("PROMPTDECK_BIN") or HERE / "../../../target/debug/promptdeck").resolve()
PASSWORD = "correct horse battery staple"
# Sign-up and login limits raised out of the way: the suite signs up many users from 127.0.0.1.
RAISED_AUTH_LIMITS = [
    "--auth-ip-per-minute", "1000000",
    "--auth-ip-burst", "1000000",
    "--auth-account-attempts", "1000000",
    "--auth-hash-wait-ms", "120000",
]


class Server:
    def __init__(self) -> None:
        if not BIN.exists():
            raise RuntimeError(
                f"no server binary at {BIN}: run `cargo build -p promptdeck-server --bin promptdeck` "
                "or set PROMPTDECK_BIN"
            )
        self.dir = tempfile.mkdtemp(prefix="promptdeck-protocol-py-")
        env = {k: v for k, v in os.environ.items() if k not in ("PROMPTDECK_ADDR", "PROMPTDECK_DATABASE_URL", "PROMPTDECK_JWT_SECRET")}
        self.proc = subprocess.Popen(
            # The per-user task caps are off (0 = no limit): the suite starts many tasks per user.
            [str(BIN), "serve", "--addr", "127.0.0.1:0", "--database", f"sqlite://{self.dir}/db.sqlite",
             *RAISED_AUTH_LIMITS, "--task-starts-per-minute", "0", "--max-concurrent-tasks", "0", "--ui-task-starts-per-minute", "0"],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=env,
            text=True,
        )
        self.log: list[str] = []
        found = threading.Event()
        self.url = ""

        def drain() -> None:
            assert self.proc.stdout is not None
            for line in self.proc.stdout:
                self.log.append(line)
                if not found.is_set():
                    m = re.search(r"listening on (http://\S+)", line)
                    if m:
                        self.url = m.group(1).rstrip("/")
                        found.set()
            found.set()

        threading.Thread(target=drain, daemon=True).start()
        if not found.wait(60) or not self.url:
            self.stop()
            raise RuntimeError("the server did not print `listening on http://HOST:PORT`:\n" + "".join(self.log[-50:]))

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                pass
        shutil.rmtree(self.dir, ignore_errors=True)

    # ---- REST ----------------------------------------------------------------------------
    def api(self, method: str, path: str, token: str | None = None, body=None) -> requests.Response:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        return requests.request(method, self.url + path, headers=headers, json=body, timeout=20)

    def expect(self, method: str, path: str, token: str | None, body, status: int):
        res = self.api(method, path, token, body)
        assert res.status_code == status, f"{method} {path}: expected {status}, got {res.status_code}: {res.text}"
        return res.json() if res.text else None

    def signup(self) -> dict:
        email = f"user-{uuid.uuid4()}@example.com"
        body = self.expect("POST", "/api/auth/signup", None, {"email": email, "password": PASSWORD}, 201)
        return {"id": body["user"]["id"], "email": email, "token": body["token"]}

    def wait_for_task(self, user: dict, task_id: str, pred, timeout: float = 10.0) -> dict:
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            last = self.api("GET", f"/api/tasks/{task_id}", user["token"])
            if last.status_code == 200 and pred(last.json()):
                return last.json()
            time.sleep(0.05)
        raise AssertionError(f"timed out after {timeout} s waiting on task {task_id}; last: {last.status_code if last else None} {last.text if last else ''}")


class Stream:
    """The events on one `response-<task_id>` event name, recorded in order."""

    def __init__(self, client: socketio.Client, event: str) -> None:
        self.event = event
        self.events: list = []
        self.ended = threading.Event()
        client.on(event, self._on)

    def _on(self, *args) -> None:
        value = args[0] if len(args) == 1 else list(args)
        self.events.append(value)
        if isinstance(value, dict) and value.get("end") is True:
            self.ended.set()

    def done(self, timeout: float = 20.0) -> "Stream":
        if not self.ended.wait(timeout):
            raise AssertionError(f"no {{end: true}} on {self.event} within {timeout} s; got {len(self.events)} events, last: {self.events[-5:]}")
        return self

    def chunks(self) -> list[str]:
        return [e for e in self.events if isinstance(e, str)]

    def text(self) -> str:
        return "".join(self.chunks())

    def objects(self, key: str) -> list[dict]:
        return [e for e in self.events if isinstance(e, dict) and key in e]

    def wait_chunks(self, n: int, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while len(self.chunks()) < n:
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out waiting for {n} chunks on {self.event}; got {len(self.chunks())}")
            time.sleep(0.005)


def submit(client: socketio.Client, service: str, payload, timeout: float = 10.0):
    """Emits with an ack callback; the stream listener is registered inside the callback, as the
    seed's client does. Returns (ack, stream or None)."""
    got = threading.Event()
    result: dict = {}

    def on_ack(*args) -> None:
        ack = args[0] if args else None
        result["ack"] = ack
        names = ack.get("response_listener_events") if isinstance(ack, dict) else None
        result["stream"] = Stream(client, names[0]) if names else None
        got.set()

    client.emit(service, payload, callback=on_ack)
    if not got.wait(timeout):
        raise AssertionError(f"no ack for {service} {str(payload)[:200]} within {timeout} s")
    return result["ack"], result["stream"]


def direct_chat(content: str, **settings) -> dict:
    return {
        "taskName": "direct_chat",
        "taskData": {
            "chat_config": {"model_id": "echo", "messages": [{"role": "user", "content": content}], "stream": True, **settings}
        },
    }


def echo_chunks(text: str) -> list[str]:
    return re.findall(r"^\s+|\S+\s*", text)


def words(n: int, prefix: str = "w") -> str:
    return " ".join(f"{prefix}{i}" for i in range(n))


@pytest.fixture(scope="session")
def server():
    s = Server()
    yield s
    s.stop()


@pytest.fixture
def user(server) -> dict:
    return server.signup()


@pytest.fixture
def connect(server):
    """`connect(token, transports=["websocket"])` gives a connected client; all are closed after."""
    clients: list[socketio.Client] = []

    def make(token, transports=("websocket",)) -> socketio.Client:
        client = socketio.Client(reconnection=False)
        clients.append(client)
        client.connect(server.url, auth={"token": token} if token is not None else None, transports=list(transports), wait_timeout=10)
        return client

    yield make
    for c in clients:
        try:
            c.disconnect()
        except Exception:
            pass

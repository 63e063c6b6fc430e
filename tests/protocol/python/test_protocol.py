"""The core of docs/protocol.md through python-socketio's `Client`: connecting, direct_chat,
run_prompt, a bad payload and cancelling."""

from __future__ import annotations

import threading

import pytest
import socketio

from conftest import direct_chat, echo_chunks, submit, words


def refusal(server, auth, transports) -> object:
    """Connects with `auth` and returns the connect_error data (fails if it connects).

    `connect` runs on a thread of its own: after a refusal over polling, python-socketio's
    teardown can wait for the server's next ping (25 s) before `connect` raises, which says
    nothing about the refusal itself, so the test waits for `connect_error` instead."""
    client = socketio.Client(reconnection=False)
    errors: list = []
    outcome: dict = {}
    got = threading.Event()

    @client.on("connect_error")
    def on_error(data=None):
        errors.append(data)
        got.set()

    @client.on("connect")
    def on_connect():
        outcome["connected"] = True
        got.set()

    def attempt() -> None:
        try:
            client.connect(server.url, auth=auth, transports=transports, wait_timeout=10)
            outcome["connected"] = True
        except socketio.exceptions.ConnectionError as e:
            outcome["error"] = e
        got.set()

    threading.Thread(target=attempt, daemon=True).start()
    assert got.wait(10), "neither connect nor connect_error within 10 s"
    assert not outcome.get("connected"), f"the connection with auth {auth} over {transports} was accepted"
    assert errors, f"connect failed without a connect_error event: {outcome.get('error')!r}"
    return errors[0]


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_connecting_without_a_token_is_refused_as_unauthorized(server, transport):
    data = refusal(server, None, [transport])
    assert isinstance(data, dict) and data.get("message") == "unauthorized", data


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_connecting_with_a_bad_token_is_refused_as_unauthorized(server, transport):
    data = refusal(server, {"token": "not-a-session-token"}, [transport])
    assert isinstance(data, dict) and data.get("message") == "unauthorized", data


@pytest.mark.parametrize("transport", ["websocket", "polling"])
def test_connecting_with_a_good_token_connects_and_streams(server, user, connect, transport):
    client = connect(user["token"], [transport])
    assert client.connected
    assert client.transport() == transport
    ack, stream = submit(client, "chat_service", direct_chat("over the wire"))
    assert stream is not None, ack
    stream.done()
    assert stream.chunks() == ["over ", "the ", "wire"]


def test_direct_chat_acks_then_streams_the_words_an_info_event_and_the_end(server, user, connect):
    client = connect(user["token"])
    ack, stream = submit(client, "chat_service", direct_chat("hello big world", echo_delay_ms=2))
    assert ack.get("error") is None, ack
    task_id = ack["task_id"]
    assert ack["response_listener_events"] == [f"response-{task_id}"]
    assert isinstance(ack["run_id"], str) and len(ack["run_id"]) == 36
    stream.done()
    assert stream.chunks() == ["hello ", "big ", "world"], "the listener added in the ack callback got every chunk"
    infos = stream.objects("info")
    assert len(infos) == 1, stream.events
    info = infos[0]["info"]
    assert info["task_id"] == task_id and info["run_id"] == ack["run_id"]
    assert (info["tokens_input"], info["tokens_output"], info["tokens_total"]) == (3, 3, 6)
    assert info["cost"] == 0
    assert isinstance(info["time_to_first_token"], (int, float))
    assert isinstance(info["total_time"], (int, float)) and info["total_time"] >= info["time_to_first_token"]
    assert stream.events[-1] == {"end": True}
    assert stream.events[-2] == infos[0], "info comes right before the end"
    assert not stream.objects("error")
    task = server.wait_for_task(user, task_id, lambda t: t["status"] == "completed")
    assert task["response_text"] == "hello big world"


def test_echo_repeat_three_repeats_the_answer(server, user, connect):
    client = connect(user["token"])
    _, stream = submit(client, "chat_service", direct_chat("hello big world", echo_repeat=3))
    stream.done()
    assert stream.text() == "hello big world hello big world hello big world"
    assert len(stream.chunks()) == 9


def test_run_prompt_resolves_variables_and_defaults_and_appends_user_input(server, user, connect):
    prompt = server.expect(
        "POST",
        "/api/prompts",
        user["token"],
        {
            "name": "Story",
            "messages": [
                {"role": "system", "content": "You tell stories."},
                {"role": "user", "content": "A {{mood}} story about {{topic}}"},
            ],
            "variableDefaults": [{"name": "topic", "defaultValue": "the sea"}, {"name": "mood", "defaultValue": "calm"}],
            "settings": {"model_id": "echo"},
        },
        201,
    )
    client = connect(user["token"])
    ack, stream = submit(client, "prompt_service", {"taskName": "run_prompt", "taskData": {"prompt_id": prompt["id"], "variables": {"mood": "funny"}}})
    assert stream is not None, ack
    stream.done()
    assert stream.text() == "A funny story about the sea"
    assert stream.events[-1] == {"end": True}

    ack2, stream2 = submit(
        client,
        "prompt_service",
        {"taskName": "run_prompt", "taskData": {"prompt_id": prompt["id"], "run_id": ack["run_id"], "user_input": "tell me more"}},
    )
    assert stream2 is not None, ack2
    assert ack2["run_id"] == ack["run_id"]
    stream2.done()
    assert stream2.text() == "tell me more"


@pytest.mark.parametrize(
    "service,payload,code",
    [
        ("chat_service", "hello", "invalid_payload"),
        ("chat_service", [1, 2, 3], "invalid_payload"),
        ("chat_service", {"taskData": {}}, "invalid_payload"),
        ("foo_service", direct_chat("hi"), "unknown_service"),
        ("chat_service", {"taskName": "fly", "taskData": {}}, "unknown_task"),
        ("chat_service", {"taskName": "direct_chat", "taskData": {"chat_config": {"messages": [], "stream": True}}}, "invalid_request"),
        ("chat_service", {"taskName": "direct_chat", "taskData": {"chat_config": {"model_id": "nope", "messages": [{"role": "user", "content": "hi"}]}}}, "unknown_model"),
    ],
    ids=["string", "array", "no-taskName", "unknown-service", "unknown-task", "no-model_id", "unknown-model"],
)
def test_a_bad_payload_is_answered_with_an_error_ack_while_a_stream_goes_on(server, user, connect, service, payload, code):
    client = connect(user["token"])
    text = words(60, "long")
    _, long = submit(client, "chat_service", direct_chat(text, echo_delay_ms=3))
    long.wait_chunks(1)
    ack, stream = submit(client, service, payload)
    assert stream is None, ack
    assert ack["response_listener_events"] == []
    assert ack["error"]["code"] == code, ack
    assert ack["error"]["message"]
    long.done()
    assert long.chunks() == echo_chunks(text)


def test_cancel_task_ends_the_stream_with_a_cancelled_error_and_stores_it_cancelled(server, user, connect):
    client = connect(user["token"])
    full = words(200, "slow")
    ack, stream = submit(client, "chat_service", direct_chat(full, echo_delay_ms=20))
    stream.wait_chunks(3)
    cancel_ack, _ = submit(client, "task_service", {"taskName": "cancel_task", "taskData": {"task_id": ack["task_id"]}})
    assert cancel_ack == {"ok": True}
    stream.done(5)
    errors = stream.objects("error")
    assert len(errors) == 1 and errors[0]["error"]["code"] == "cancelled", stream.events[-4:]
    assert stream.events[-1] == {"end": True}
    assert full.startswith(stream.text()) and len(stream.text()) < len(full)
    task = server.wait_for_task(user, ack["task_id"], lambda t: t["status"] == "cancelled")
    assert task["response_text"] and full.startswith(task["response_text"])


def test_cancelling_another_users_task_is_not_found(server, user, connect):
    other = server.signup()
    mine = connect(user["token"])
    theirs = connect(other["token"])
    ack, stream = submit(mine, "chat_service", direct_chat(words(20), echo_delay_ms=5))
    refused, _ = submit(theirs, "task_service", {"taskName": "cancel_task", "taskData": {"task_id": ack["task_id"]}})
    assert refused["ok"] is False and refused["error"]["code"] == "not_found", refused
    stream.done()
    assert stream.text() == words(20)

"""GatoMesh robot client for Python (asyncio, Debian's python3-websockets 10.x).

Speaks the gateway protocol of docs/GATEWAY.md in its JSON variant (text frames: protobuf's JSON
mapping of gatomesh.v1 ClientMessage / ServerMessage), because Debian packages no protobuf runtime
for Python. The same operations as the .NET SDK: open, step, reset, close, describe; one WebSocket
carries every session of a client, requests run concurrently and find their replies by request id.
On a lost connection, a timeout or an UNAVAILABLE answer the client reconnects (backing off) and
sends the same request again: a step keeps its sequence number, so the session applies it once and
answers the retry with the same action.

    client = await GatoMeshClient.connect("ws://127.0.0.1:8080/v1/sessions", "fleet-key")
    session = await client.open_session("robot-7", spec_json)
    reply = await session.step({"joints": continuous([0.1, -0.2]), "camera": image(pixels, 64, 64, 3)})
    reply.action["torque"]   # {"continuous": [...]}
    await client.close()
"""

import asyncio
import base64
import itertools
import json
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Dict, List, Optional

import websockets
import websockets.exceptions

__all__ = [
    "GatoMeshClient", "EpisodeSession", "StepResult", "GatoMeshError",
    "text", "image", "continuous", "discrete",
]

# Error codes (gateway.proto ErrorCode) that a retry cannot cure are raised at once; this one is retried.
RETRYABLE = "UNAVAILABLE"
MAX_BACKOFF_S = 5.0


# ---- fields (gateway.proto Field), as the JSON mapping writes them ----

def text(value: str) -> Dict[str, Any]:
    return {"text": value}


def image(pixels: bytes, height: int, width: int, channels: int = 3) -> Dict[str, Any]:
    """uint8 pixels laid out [height, width, channels]."""
    return {"image": {"height": height, "width": width, "channels": channels,
                      "pixels": base64.b64encode(bytes(pixels)).decode("ascii")}}


def continuous(values: List[float]) -> Dict[str, Any]:
    return {"continuous": {"values": [float(v) for v in values]}}


def discrete(values: List[int]) -> Dict[str, Any]:
    return {"discrete": {"values": [int(v) for v in values]}}


class GatoMeshError(Exception):
    """A refused request: code (e.g. "INVALID_OBSERVATION"), field (e.g. "observation.camera"), message."""

    def __init__(self, code: str, field_path: str, message: str):
        super().__init__(f"{code} ({field_path}): {message}")
        self.code = code
        self.field = field_path
        self.message = message


@dataclass
class StepResult:
    sequence: int
    timestep: int
    action: Dict[str, Any]
    action_tokens: List[int]
    model_version: str
    recomputed: bool
    raw: Dict[str, Any] = field(repr=False, default_factory=dict)

    @staticmethod
    def of(step: Dict[str, Any]) -> "StepResult":
        return StepResult(
            sequence=int(step.get("sequence", 0)),
            timestep=int(step.get("timestep", 0)),
            action=step.get("action", {}),
            action_tokens=[int(t) for t in step.get("actionTokens", [])],
            model_version=step.get("modelVersion", ""),
            recomputed=bool(step.get("recomputed", False)),
            raw=step,
        )


class _ConnectionLost(Exception):
    pass


class GatoMeshClient:
    """One WebSocket to a gateway, shared by every session opened through it. Use connect()."""

    def __init__(self, endpoint: str, api_key: str, max_attempts: int = 5, request_timeout: float = 30.0,
                 reconnect_delay: float = 0.1,
                 on_sent: Optional[Callable[["GatoMeshClient", Dict[str, Any]], Awaitable[None]]] = None):
        """on_sent, if given, is awaited after each request went out (failure drills: example_robot.py's
        --drop-after-send aborts the connection there to exercise the retry)."""
        if max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, not {max_attempts}")
        self._endpoint = endpoint
        self._api_key = api_key
        self._max_attempts = max_attempts
        self._request_timeout = request_timeout
        self._reconnect_delay = reconnect_delay
        self._on_sent = on_sent
        self._ids = itertools.count(1)
        # request id -> (its answer, the socket it was sent on)
        self._pending: Dict[int, Any] = {}
        self._socket = None
        self._reader: Optional[asyncio.Task] = None
        self._connect_lock = asyncio.Lock()
        self._closed = False

    @classmethod
    async def connect(cls, endpoint: str, api_key: str, **options) -> "GatoMeshClient":
        client = cls(endpoint, api_key, **options)
        failure: Optional[BaseException] = None
        for attempt in range(1, client._max_attempts + 1):
            if attempt > 1:
                await asyncio.sleep(client._backoff(attempt))
            try:
                await client._connection()
                return client
            except GatoMeshError:
                raise
            except (OSError, asyncio.TimeoutError, websockets.exceptions.WebSocketException) as e:
                failure = e
        raise GatoMeshError("UNAVAILABLE", "endpoint",
                            f"could not connect to {endpoint} in {client._max_attempts} attempts: {failure}")

    async def open_session(self, session_id: str, spec_json: str, prompt: Optional[List[Dict[str, Any]]] = None,
                           temperature: float = 0.0, seed: int = 0,
                           continuous_as_tokens: bool = False) -> "EpisodeSession":
        """prompt: demonstration timesteps, each {"observation": {key: field}, "action": {key: field}}.
        Continuous actions are the expected value of the model's distribution over their bins; with
        continuous_as_tokens they are the most likely bin (temperature 0) or a draw, as discrete ones."""
        reply = await self._request("open", {
            "sessionId": session_id, "specJson": spec_json, "prompt": prompt or [],
            "temperature": temperature, "seed": str(seed), "continuousAsTokens": continuous_as_tokens,
        })
        info = _expect(reply, "session")
        return EpisodeSession(self, session_id, int(info.get("sequence", 0)))

    async def abort(self) -> None:
        """Drops the connection at once (as a network failure would); requests in flight are retried."""
        if self._socket is not None:
            self._socket.transport.abort()

    async def close(self) -> None:
        self._closed = True
        if self._socket is not None:
            await self._socket.close()
        if self._reader is not None:
            await asyncio.gather(self._reader, return_exceptions=True)

    async def __aenter__(self) -> "GatoMeshClient":
        return self

    async def __aexit__(self, *exc) -> None:
        await self.close()

    # ---- requests ----

    async def _request(self, op: str, body: Dict[str, Any]) -> Dict[str, Any]:
        """Sends {op: body} until answered: retried (same request, same sequence) on a lost connection,
        a timeout or an UNAVAILABLE answer; other errors raise GatoMeshError at once."""
        if self._closed:
            raise RuntimeError("the client is closed")
        request_id = next(self._ids)
        message = {"requestId": str(request_id), op: body}
        frame = json.dumps(message)
        failure: Any = None
        for attempt in range(1, self._max_attempts + 1):
            if attempt > 1:
                await asyncio.sleep(self._backoff(attempt))
            try:
                socket = await self._connection()
            except GatoMeshError:
                raise
            except (OSError, asyncio.TimeoutError, websockets.exceptions.WebSocketException) as e:
                failure = e
                continue
            answer = asyncio.get_running_loop().create_future()
            self._pending[request_id] = (answer, socket)
            try:
                await socket.send(frame)
                if self._on_sent is not None:
                    await self._on_sent(self, message)
                reply = await asyncio.wait_for(asyncio.shield(answer), self._request_timeout)
            except (_ConnectionLost, websockets.exceptions.ConnectionClosed) as e:
                failure = e
                continue
            except asyncio.TimeoutError:
                # No answer on a socket that looks alive: deem it dead so every request moves on.
                failure = f"no answer within {self._request_timeout} s"
                await self.abort()
                continue
            finally:
                self._pending.pop(request_id, None)
            error = reply.get("error")
            if error is None:
                return reply
            if error.get("code") != RETRYABLE:
                raise GatoMeshError(error.get("code", ""), error.get("field", ""), error.get("message", ""))
            failure = error.get("message")
        raise GatoMeshError("UNAVAILABLE", "connection", f"no answer after {self._max_attempts} attempts: {failure}")

    async def _connection(self):
        async with self._connect_lock:
            if self._socket is not None and self._socket.open:
                return self._socket
            try:
                socket = await websockets.connect(
                    self._endpoint, extra_headers={"Authorization": f"Bearer {self._api_key}"},
                    compression=None, max_size=16 * 1024 * 1024, open_timeout=self._request_timeout)
            except websockets.exceptions.InvalidStatusCode as e:
                if e.status_code == 401:
                    raise GatoMeshError("UNAUTHORIZED", "apiKey", "the gateway refused the API key") from e
                raise
            self._socket = socket
            self._reader = asyncio.create_task(self._read(socket))
            return socket

    async def _read(self, socket) -> None:
        try:
            async for frame in socket:
                reply = json.loads(frame)
                waiting = self._pending.get(int(reply.get("requestId", 0)))
                if waiting is not None and not waiting[0].done():
                    waiting[0].set_result(reply)
        except (websockets.exceptions.ConnectionClosed, ValueError):
            pass
        finally:
            # Whatever still waits on this socket retries on the next one.
            for answer, sent_on in list(self._pending.values()):
                if sent_on is socket and not answer.done():
                    answer.set_exception(_ConnectionLost("the connection to the gateway was lost"))

    def _backoff(self, attempt: int) -> float:
        return min(MAX_BACKOFF_S, self._reconnect_delay * 2 ** (attempt - 2))


class EpisodeSession:
    """One open session. Each step()/reset() takes the next sequence number once; retries keep it.
    Send one step at a time per session; different sessions may step concurrently."""

    def __init__(self, client: GatoMeshClient, session_id: str, last_sequence: int):
        self._client = client
        self.id = session_id
        self._last_sequence = last_sequence

    async def step(self, observation: Dict[str, Dict[str, Any]]) -> StepResult:
        self._last_sequence += 1
        reply = await self._client._request("step", {
            "sessionId": self.id, "sequence": str(self._last_sequence), "observation": observation})
        return StepResult.of(_expect(reply, "step"))

    async def reset(self) -> None:
        self._last_sequence += 1
        _expect(await self._client._request("reset", {"sessionId": self.id, "sequence": str(self._last_sequence)}), "session")

    async def close(self) -> None:
        _expect(await self._client._request("close", {"sessionId": self.id}), "session")

    async def describe(self) -> Dict[str, Any]:
        return _expect(await self._client._request("describe", {"sessionId": self.id}), "session")


def _expect(reply: Dict[str, Any], kind: str) -> Dict[str, Any]:
    if kind not in reply:
        raise GatoMeshError("INTERNAL", "reply", f"the gateway answered {sorted(reply)} where {kind} was due")
    return reply[kind]

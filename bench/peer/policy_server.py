#!/usr/bin/python3
"""A plain Python policy server: the peer the serving benchmark measures GatoMesh against (bench/README.md,
"peer").

What a team would write first, as the openpi and LeRobot policy servers are written: a WebSocket server
(Debian's python3-websockets) that serves each request as it comes, one at a time, with the model in eager
PyTorch (Debian's python3-torch) and a KV cache per session. It is written from docs/MODEL.md (the network),
docs/TOKENS.md (the token space) and docs/GATEWAY.md (the protocol), not from GatoMesh's code, and speaks the
gateway's session protocol in its binary encoding (protos/gatomesh/v1/gateway.proto, decoded by hand below:
Debian has no protobuf runtime for Python), so the same fleet (`gatomesh fleet`, the serving benchmark)
drives it and GatoMesh alike.

    /usr/bin/python3 bench/peer/policy_server.py --checkpoint DIR [--port 0] [--threads 1]

prints `listening PORT` on stdout once it serves. Sessions: open, step, reset, close, describe; actions
are greedy for discrete tokens and the expected value of the bins for continuous ones (docs/ENGINE.md,
"Sampling"); a full context window drops its oldest whole timesteps' cached keys and values.
"""
import argparse
import asyncio
import json
import math
import struct

import torch
import torch.nn.functional as F
import websockets

MU, M, BINS = 100.0, 256.0, 1024
LOG_NORMALIZER = math.log(M * MU + 1.0)
ACTION_POSITION = 511


# ---- protobuf wire format (the few messages of gateway.proto) ------------------------------------------

def read_varint(data, i):
    result, shift = 0, 0
    while True:
        b = data[i]
        i += 1
        result |= (b & 0x7F) << shift
        if b < 0x80:
            return result, i
        shift += 7


def fields(data):
    """(field number, wire type, value) of a message; value: int, bytes, or raw 4/8 bytes."""
    i, n = 0, len(data)
    while i < n:
        key, i = read_varint(data, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = read_varint(data, i)
        elif wire == 2:
            length, i = read_varint(data, i)
            value, i = data[i:i + length], i + length
        elif wire == 5:
            value, i = data[i:i + 4], i + 4
        elif wire == 1:
            value, i = data[i:i + 8], i + 8
        else:
            raise ValueError(f"wire type {wire}")
        yield number, wire, value


def varint(value):
    if value < 0:
        value += 1 << 64
    out = bytearray()
    while True:
        b = value & 0x7F
        value >>= 7
        if value:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def tag(number, wire):
    return varint(number << 3 | wire)


def put_varint(number, value):
    return tag(number, 0) + varint(value) if value else b""


def put_bytes(number, payload):
    return tag(number, 2) + varint(len(payload)) + payload


def put_string(number, text):
    return put_bytes(number, text.encode()) if text else b""


def decode_field(data):
    for number, wire, value in fields(data):
        if number == 1:
            return ("text", value.decode())
        if number == 2:
            image = {"height": 0, "width": 0, "channels": 0, "pixels": b""}
            for n, _, v in fields(value):
                image[{1: "height", 2: "width", 3: "channels", 4: "pixels"}[n]] = v
            return ("image", image)
        if number == 3:
            floats = []
            for _, w, v in fields(value):
                floats.extend(struct.unpack(f"<{len(v) // 4}f", v) if w == 2 else struct.unpack("<f", v))
            return ("continuous", floats)
        if number == 4:
            ints = []
            for _, w, v in fields(value):
                if w == 2:
                    j = 0
                    while j < len(v):
                        x, j = read_varint(v, j)
                        ints.append(x - (1 << 64) if x >= 1 << 63 else x)
                else:
                    ints.append(v - (1 << 64) if v >= 1 << 63 else v)
            return ("discrete", ints)
    raise ValueError("a Field with no kind")


def decode_map(entries):
    result = {}
    for entry in entries:
        key, value = "", None
        for n, _, v in fields(entry):
            if n == 1:
                key = v.decode()
            elif n == 2:
                value = decode_field(v)
        result[key] = value
    return result


def encode_continuous_field(values):
    packed = struct.pack(f"<{len(values)}f", *values)
    return put_bytes(3, put_bytes(1, packed))


def encode_discrete_field(values):
    return put_bytes(4, put_bytes(1, b"".join(varint(v) for v in values)))


# ---- the token space (docs/TOKENS.md) ------------------------------------------------------------------

def mu_law_bin(x):
    y = math.copysign(math.log(abs(x) * MU + 1.0) / LOG_NORMALIZER, x)
    y = min(max(y, -1.0), 1.0)
    return min(int(math.floor((y + 1.0) / 2.0 * BINS)), BINS - 1)


def bin_value(b):
    y = (b + 0.5) * 2.0 / BINS - 1.0
    return math.copysign((math.exp(abs(y) * LOG_NORMALIZER) - 1.0) / MU, y)


def key_order(key):
    return [segment.encode() for segment in key.split(".")]


class Spec:
    """A spec file's fields, flattened to dotted keys and sorted as the token space orders them."""

    def __init__(self, text):
        spec = json.loads(text)
        self.observation = sorted(self.flatten(spec["observation"]), key=lambda f: key_order(f[0]))
        self.action = sorted(self.flatten(spec["action"]), key=lambda f: key_order(f[0]))

    def flatten(self, group, prefix=""):
        for key, value in group.items():
            if "kind" in value:
                yield prefix + key, value
            else:
                yield from self.flatten(value, prefix + key + ".")


def patch_bucket(index, count):
    low = 128 * index // count
    high = max(128 * (index + 1) // count, low + 1)
    return low + (high - low) // 2


class Tokens:
    def __init__(self):
        self.ids, self.positions, self.patches, self.rows, self.cols = [], [], [], [], []


def encode_observation(spec, observation, text_vocab):
    tokens = Tokens()
    for key, field in spec.observation:
        kind, value = observation[key]
        if kind == "image":
            h, w, c = value["height"], value["width"], value["channels"]
            pixels = torch.frombuffer(bytearray(value["pixels"]), dtype=torch.uint8).view(h, w, c).permute(2, 0, 1).float()
            pixels = (pixels - 127.5) * (1.0 / 510.0)
            rows, cols = h // 16, w // 16
            for r in range(rows):
                for q in range(cols):
                    tokens.ids.append(-1)
                    tokens.patches.append(pixels[:, r * 16:(r + 1) * 16, q * 16:(q + 1) * 16])
                    tokens.rows.append(patch_bucket(r, rows))
                    tokens.cols.append(patch_bucket(q, cols))
        elif kind == "continuous":
            tokens.ids.extend(text_vocab + mu_law_bin(v) for v in value)
        elif kind == "discrete":
            tokens.ids.extend(value)
        else:
            raise ValueError(f"{key}: {kind} observations are not served by this peer")
    tokens.ids.append(text_vocab + BINS)  # the separator
    tokens.positions = list(range(len(tokens.ids)))
    return tokens


# ---- the model (docs/MODEL.md) -------------------------------------------------------------------------

def load_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    base = 8 + length
    tensors = {}
    for name, entry in header.items():
        if name != "__metadata__":
            begin, end = entry["data_offsets"]
            tensors[name] = torch.frombuffer(bytearray(data[base + begin:base + end]), dtype=torch.float32).reshape(entry["shape"])
    return tensors


class Gato:
    def __init__(self, directory, device):
        with open(f"{directory}/config.json") as f:
            self.config = json.load(f)
        self.w = {k: v.to(device) for k, v in load_safetensors(f"{directory}/model.safetensors").items()}
        c = self.config
        self.device = device
        self.layers, self.heads, self.kv, self.width = c["layers"], c["heads"], c["kv_size"], c["width"]
        self.eps, self.a = c["layer_norm_eps"], c["heads"] * c["kv_size"]
        self.text_vocab, self.context = c["text_vocab"], c["context"]

    def lin(self, x, name):
        return F.linear(x, self.w[name + ".weight"], self.w[name + ".bias"])

    def ln(self, x, name):
        return F.layer_norm(x, (self.width,), self.w[name + ".weight"], self.w[name + ".bias"], self.eps)

    def patch_embed(self, pixels):
        w = self.w
        gn = lambda x, n: F.group_norm(x, 32, w[f"embed.patch.{n}.weight"], w[f"embed.patch.{n}.bias"], self.eps)
        stem = F.conv2d(pixels, w["embed.patch.stem.weight"], w["embed.patch.stem.bias"], stride=4)
        r = F.conv2d(F.gelu(gn(stem, "norm1")), w["embed.patch.conv1.weight"], w["embed.patch.conv1.bias"], padding=1)
        r = F.conv2d(F.gelu(gn(r, "norm2")), w["embed.patch.conv2.weight"], w["embed.patch.conv2.bias"], padding=1)
        e = self.lin((stem + r).flatten(1), "embed.patch.proj")
        if self.config.get("patch_norm", False):
            e = 0.02 * F.layer_norm(e, (self.width,), eps=self.eps)
        return e

    def embed(self, tokens):
        ids = torch.tensor(tokens.ids, device=self.device)
        x = self.w["embed.tokens.weight"][ids.clamp(min=0)]
        if tokens.patches:
            slots = (ids < 0).nonzero().flatten()
            pixels = torch.stack(tokens.patches).to(self.device)
            patches = (self.patch_embed(pixels) + self.w["embed.patch_rows.weight"][torch.tensor(tokens.rows, device=self.device)]
                       + self.w["embed.patch_cols.weight"][torch.tensor(tokens.cols, device=self.device)])
            x = x.index_copy(0, slots, patches)
        return x + self.w["embed.local_positions.weight"][torch.tensor(tokens.positions, device=self.device)]

    def forward(self, x, cache):
        """x [T, width], the new tokens after the cached ones; appends their keys and values to cache."""
        t = x.shape[0]
        past = cache.length
        for i in range(self.layers):
            qkv = self.lin(self.ln(x, f"blocks.{i}.ln1"), f"blocks.{i}.attn.qkv")
            q, k, v = (p.reshape(t, self.heads, self.kv).transpose(0, 1) for p in qkv.split(self.a, dim=-1))
            keys, values = cache.append(i, k, v)
            scores = (q / math.sqrt(self.kv)) @ keys.transpose(-2, -1)                 # [H, T, past + T]
            mask = torch.ones(t, past + t, dtype=torch.bool, device=self.device).triu(past + 1)
            heads = torch.softmax(scores.masked_fill(mask, float("-inf")), -1) @ values
            x = x + self.lin(heads.transpose(0, 1).reshape(t, self.a), f"blocks.{i}.attn.out")
            x = x + self.lin(F.gelu(self.lin(self.ln(x, f"blocks.{i}.ln2"), f"blocks.{i}.mlp.fc1")), f"blocks.{i}.mlp.fc2")
        cache.length += t
        return x

    def logits(self, h, lo, hi):
        return F.linear(self.ln(h, "final_norm"), self.w["embed.tokens.weight"][lo:hi])


class Cache:
    """One session's keys and values, per layer [H, capacity, D], and its timesteps' token counts."""

    def __init__(self, model):
        self.model, self.length, self.timesteps = model, 0, []
        shape = (model.heads, model.context, model.kv)
        self.keys = [torch.empty(shape, device=model.device) for _ in range(model.layers)]
        self.values = [torch.empty(shape, device=model.device) for _ in range(model.layers)]

    def append(self, layer, k, v):
        end = self.length + k.shape[1]
        self.keys[layer][:, self.length:end] = k
        self.values[layer][:, self.length:end] = v
        return self.keys[layer][:, :end], self.values[layer][:, :end]

    def make_room(self, tokens):
        """Drops the oldest whole timesteps until `tokens` more fit the context window."""
        drop = 0
        while self.length - drop + tokens > self.model.context and self.timesteps:
            drop += self.timesteps.pop(0)
        if drop:
            for tensors in (self.keys, self.values):
                for t in tensors:
                    t[:, :self.length - drop] = t[:, drop:self.length].clone()
            self.length -= drop


class Session:
    def __init__(self, model, session_id, spec_json):
        self.id, self.spec_json, self.spec = session_id, spec_json, Spec(spec_json)
        self.model, self.episode, self.sequence, self.open = model, 1, 0, True
        self.reset()

    def reset(self):
        self.cache, self.timestep, self.pending = Cache(self.model), 0, None

    def step(self, observation):
        model = self.model
        tokens = encode_observation(self.spec, observation, model.text_vocab)
        actions = sum(f["shape"][0] if len(f["shape"]) == 1 else math.prod(f["shape"]) for _, f in self.spec.action)
        if self.pending is not None:  # the previous step's last action token is not cached yet
            tokens.ids.insert(0, self.pending)
            tokens.positions.insert(0, ACTION_POSITION)
        self.cache.make_room(len(tokens.ids) + actions)
        x = model.forward(model.embed(tokens), self.cache)
        if self.pending is not None:
            self.cache.timesteps[-1] += 1
        self.cache.timesteps.append(len(tokens.ids) - (1 if self.pending is not None else 0))
        chosen, values = [], {}
        for key, field in self.spec.action:
            count = math.prod(field["shape"])
            discrete = field["kind"] == "discrete"
            lo, hi = (field.get("range", [0, 1024]) if discrete else (model.text_vocab, model.text_vocab + BINS))
            out = []
            for _ in range(count):
                if chosen:  # feed the previous action token back
                    embedded = model.w["embed.tokens.weight"][chosen[-1]] + model.w["embed.local_positions.weight"][ACTION_POSITION]
                    x = model.forward(embedded.unsqueeze(0), self.cache)
                    self.cache.timesteps[-1] += 1
                logits = model.logits(x[-1], lo, hi)
                if discrete:
                    token = lo + int(logits.argmax())
                    out.append(token)
                else:
                    p = torch.softmax(logits.double(), -1)
                    mean = float(p.cpu() @ BIN_VALUES)
                    token = lo + mu_law_bin(mean)
                    out.append(bin_value(token - lo))
                chosen.append(token)
            values[key] = (discrete, out)
        self.pending = chosen[-1]
        timestep = self.timestep
        self.timestep += 1
        return timestep, chosen, values


BIN_VALUES = torch.tensor([bin_value(b) for b in range(BINS)], dtype=torch.float64)


# ---- the server ----------------------------------------------------------------------------------------

class PolicyServer:
    def __init__(self, model, version):
        self.model, self.version, self.sessions = model, version, {}

    def session_info(self, s):
        return (put_string(1, s.id) + put_string(2, s.spec_json) + put_varint(3, int(s.open)) + put_varint(4, s.sequence)
                + put_varint(5, s.episode) + put_varint(6, s.timestep))

    def error(self, code, field, message):
        return put_bytes(4, put_varint(1, code) + put_string(2, field) + put_string(3, message))

    def handle(self, frame):
        request_id, op, body = 0, None, b""
        for number, _, value in fields(frame):
            if number == 1:
                request_id = value
            else:
                op, body = number, value
        try:
            reply = self.serve(op, dict((n, v) for n, _, v in fields(body)), body)
        except Exception as e:  # a bad request is that request's error, never the server's
            reply = self.error(13, "request", f"{type(e).__name__}: {e}")
        return put_varint(1, request_id) + reply

    def serve(self, op, scalars, body):
        session_id = scalars.get(1, b"").decode()
        if op == 2:  # open
            s = self.sessions.get(session_id)
            if s is None or not s.open:
                s = self.sessions[session_id] = Session(self.model, session_id, scalars.get(2, b"{}").decode())
            return put_bytes(2, self.session_info(s))
        s = self.sessions.get(session_id)
        if s is None:
            return self.error(1, "session_id", f"no session {session_id}")
        if op == 3:  # step
            observation = decode_map([v for n, _, v in fields(body) if n == 3])
            s.sequence = scalars.get(2, 0)
            timestep, tokens, values = s.step(observation)
            action = b"".join(
                put_bytes(4, put_string(1, key) + put_bytes(2, encode_discrete_field(vals) if discrete else encode_continuous_field(vals)))
                for key, (discrete, vals) in values.items())
            result = (put_string(1, s.id) + put_varint(2, s.sequence) + put_varint(3, timestep) + action
                      + put_bytes(5, b"".join(varint(t) for t in tokens)) + put_string(6, self.version))
            return put_bytes(3, result)
        if op == 4:  # reset
            s.sequence = scalars.get(2, 0)
            s.episode += 1
            s.reset()
        elif op == 5:  # close
            s.open = False
            del self.sessions[session_id]
        return put_bytes(2, self.session_info(s))

    async def connection(self, websocket, path=None):
        async for frame in websocket:
            if isinstance(frame, str):
                continue
            with torch.no_grad():
                reply = self.handle(frame)
            await websocket.send(reply)


async def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--checkpoint", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    server = PolicyServer(Gato(args.checkpoint, torch.device(args.device)), "peer@0")
    async with websockets.serve(server.connection, args.host, args.port, max_size=16 << 20, ping_interval=None) as ws:
        print(f"listening {ws.sockets[0].getsockname()[1]}", flush=True)
        await asyncio.Future()


if __name__ == "__main__":
    asyncio.run(main())

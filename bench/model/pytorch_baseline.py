#!/usr/bin/python3
"""The PyTorch baseline for bench/GatoMesh.Bench/Model: the same Gato model and weights, eager, with a
KV cache, on the same inputs as the GatoMesh engine run (docs/ENGINE.md, "Benchmark").

Loads our checkpoint (config.json + model.safetensors, read by hand: an 8-byte little-endian header
length, a JSON header of name -> dtype/shape/data_offsets, then raw little-endian bytes) and implements
docs/MODEL.md's math for id tokens: x = E[id] + Local[pos]; pre-LN blocks (LayerNorm eps from the
config, exact GELU, attention scale 1/sqrt(kv_size), causal); logits = FinalNorm(h) @ E[lo:hi]^T.

    /usr/bin/python3 pytorch_baseline.py CHECKPOINT_DIR --points 1x256,64x256 --decode-steps 32
prints one JSON object: {"points": [{"batch", "context", "prefill_tokens_per_s", "decode_steps_per_s",
"first_actions": [...]}]}.
"""
import argparse
import json
import math
import struct
import time

import torch
import torch.nn.functional as F


def load_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + length])
    base = 8 + length
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        if entry["dtype"] != "F32":
            raise ValueError(f"{name}: dtype {entry['dtype']}, expected F32")
        begin, end = entry["data_offsets"]
        flat = torch.frombuffer(bytearray(data[base + begin:base + end]), dtype=torch.float32)
        tensors[name] = flat.reshape(entry["shape"])
    return tensors


class Gato:
    def __init__(self, directory):
        with open(f"{directory}/config.json") as f:
            self.config = json.load(f)
        self.w = load_safetensors(f"{directory}/model.safetensors")
        c = self.config
        self.layers, self.heads, self.kv = c["layers"], c["heads"], c["kv_size"]
        self.width, self.eps = c["width"], c["layer_norm_eps"]
        self.a = self.heads * self.kv

    def embed(self, ids, positions):
        return self.w["embed.tokens.weight"][ids] + self.w["embed.local_positions.weight"][positions]

    def ln(self, x, name):
        return F.layer_norm(x, (self.width,), self.w[name + ".weight"], self.w[name + ".bias"], self.eps)

    def lin(self, x, name):
        return F.linear(x, self.w[name + ".weight"], self.w[name + ".bias"])

    def qkv(self, x, i):
        b, t, _ = x.shape
        qkv = self.lin(self.ln(x, f"blocks.{i}.ln1"), f"blocks.{i}.attn.qkv")
        q, k, v = qkv.split(self.a, dim=-1)
        shape = (b, t, self.heads, self.kv)
        return (q.reshape(shape).transpose(1, 2), k.reshape(shape).transpose(1, 2), v.reshape(shape).transpose(1, 2))

    def finish_block(self, x, heads, i):
        b, h, t, d = heads.shape
        x = x + self.lin(heads.transpose(1, 2).reshape(b, t, self.a), f"blocks.{i}.attn.out")
        hidden = F.gelu(self.lin(self.ln(x, f"blocks.{i}.ln2"), f"blocks.{i}.mlp.fc1"))
        return x + self.lin(hidden, f"blocks.{i}.mlp.fc2")

    def logits(self, h, lo, hi):
        return F.linear(self.ln(h, "final_norm"), self.w["embed.tokens.weight"][lo:hi])

    def prefill(self, ids, positions, cache_len):
        """ids, positions [B, T] -> hidden of the last token [B, width] and per-layer caches [B, H, cache_len, D]."""
        b, t = ids.shape
        x = self.embed(ids, positions)
        causal = torch.full((t, t), float("-inf")).triu(1)
        caches = []
        for i in range(self.layers):
            q, k, v = self.qkv(x, i)
            kc = torch.empty(b, self.heads, cache_len, self.kv)
            vc = torch.empty(b, self.heads, cache_len, self.kv)
            kc[:, :, :t] = k
            vc[:, :, :t] = v
            caches.append((kc, vc))
            scores = (q * (1 / math.sqrt(self.kv))) @ k.transpose(-2, -1) + causal
            x = self.finish_block(x, torch.softmax(scores, -1) @ v, i)
        return x[:, -1], caches

    def decode(self, ids, positions, caches, length):
        """One token per sequence at cache position `length` -> hidden [B, width]."""
        x = self.embed(ids, positions).unsqueeze(1)
        for i in range(self.layers):
            q, k, v = self.qkv(x, i)
            kc, vc = caches[i]
            kc[:, :, length:length + 1] = k
            vc[:, :, length:length + 1] = v
            keys, values = kc[:, :, :length + 1], vc[:, :, :length + 1]
            scores = (q * (1 / math.sqrt(self.kv))) @ keys.transpose(-2, -1)
            x = self.finish_block(x, torch.softmax(scores, -1) @ values, i)
        return x[:, 0]


def prompt_tokens(config, batch, context):
    """The benchmark's inputs (ModelBenchmark.cs builds the same): context-1 prompt ids, then the separator."""
    separator = config["text_vocab"] + 1024
    ids = torch.tensor([[(b * 7919 + i * 104729) % separator for i in range(context - 1)] + [separator] for b in range(batch)])
    positions = torch.tensor([[i % 500 for i in range(context - 1)] + [0] for _ in range(batch)])
    return ids, positions


def run_point(model, batch, context, steps, micro_batch):
    lo, hi = model.config["text_vocab"], model.config["text_vocab"] + 1024
    ids, positions = prompt_tokens(model.config, batch, context)
    cache_len = context + steps + 1
    start = time.perf_counter()
    hiddens, caches = [], []
    for s in range(0, batch, micro_batch):
        h, c = model.prefill(ids[s:s + micro_batch], positions[s:s + micro_batch], cache_len)
        hiddens.append(h)
        caches.append(c)
    hidden = torch.cat(hiddens)
    caches = [(torch.cat([c[i][0] for c in caches]), torch.cat([c[i][1] for c in caches])) for i in range(model.layers)]
    token = model.logits(hidden, lo, hi).argmax(-1) + lo
    prefill_s = time.perf_counter() - start
    first = [int(token[0])]
    action_position = torch.full((batch,), model.config["local_positions"] - 1, dtype=torch.long)
    start = time.perf_counter()
    for step in range(steps):
        hidden = model.decode(token, action_position, caches, context + step)
        token = model.logits(hidden, lo, hi).argmax(-1) + lo
        if step < 3:
            first.append(int(token[0]))
    decode_s = time.perf_counter() - start
    return {
        "batch": batch, "context": context,
        "prefill_tokens_per_s": batch * context / prefill_s,
        "decode_steps_per_s": batch * steps / decode_s,
        "first_actions": first,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("checkpoint")
    parser.add_argument("--points", default="1x256,64x256")
    parser.add_argument("--decode-steps", type=int, default=32)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--micro-batch", type=int, default=8)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    model = Gato(args.checkpoint)
    points = []
    with torch.no_grad():
        for point in args.points.split(","):
            batch, context = (int(v) for v in point.split("x"))
            points.append(run_point(model, batch, context, args.decode_steps, args.micro_batch))
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "points": points}))


if __name__ == "__main__":
    main()

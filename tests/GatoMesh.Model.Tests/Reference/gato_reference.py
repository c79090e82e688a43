"""An independent Gato forward pass written from docs/MODEL.md alone (no GatoMesh code).

usage: /usr/bin/python3 gato_reference.py CHECKPOINT_DIR SEQUENCE.json
prints {"logits": [[...], ...]} for every position of the sequence (float64 math).
SEQUENCE.json is the `gatomesh model logits` input: ids (-1 = patch slot), local_positions,
patches (768 floats each, [channel, row, column]), patch_rows, patch_cols.
"""
import json
import math
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F


def load_safetensors(path):
    with open(path, "rb") as f:
        (n,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(n))
        data = f.read()
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        assert entry["dtype"] == "F32", (name, entry["dtype"])
        begin, end = entry["data_offsets"]
        array = np.frombuffer(data[begin:end], dtype="<f4").reshape(entry["shape"])
        tensors[name] = torch.from_numpy(array.astype(np.float64))
    return tensors


def main(checkpoint, sequence_path):
    config = json.load(open(f"{checkpoint}/config.json"))
    w = load_safetensors(f"{checkpoint}/model.safetensors")
    seq = json.load(open(sequence_path))
    heads, kv, layers, eps = config["heads"], config["kv_size"], config["layers"], config["layer_norm_eps"]
    ids = torch.tensor(seq["ids"], dtype=torch.long)
    local = torch.tensor(seq["local_positions"], dtype=torch.long)

    # Embeddings: E[id] for ids >= 0; for a patch slot, PatchEmbed(pixels) + Row[r] + Col[c]; then + Local[p].
    x = w["embed.tokens.weight"][ids.clamp(min=0)]
    patches = seq.get("patches") or []
    if patches:
        p = torch.tensor(patches, dtype=torch.float64).reshape(-1, 3, 16, 16)
        stem = F.conv2d(p, w["embed.patch.stem.weight"], w["embed.patch.stem.bias"], stride=4)
        r = F.gelu(F.group_norm(stem, 32, w["embed.patch.norm1.weight"], w["embed.patch.norm1.bias"], 1e-5))
        r = F.conv2d(r, w["embed.patch.conv1.weight"], w["embed.patch.conv1.bias"], padding=1)
        r = F.gelu(F.group_norm(r, 32, w["embed.patch.norm2.weight"], w["embed.patch.norm2.bias"], 1e-5))
        r = F.conv2d(r, w["embed.patch.conv2.weight"], w["embed.patch.conv2.bias"], padding=1)
        flat = (stem + r).reshape(p.shape[0], -1)
        emb = flat @ w["embed.patch.proj.weight"].T + w["embed.patch.proj.bias"]
        if config.get("patch_norm", False):
            emb = F.layer_norm(emb, (emb.shape[-1],), eps=eps) * 0.02
        emb = emb + w["embed.patch_rows.weight"][torch.tensor(seq["patch_rows"])] + w["embed.patch_cols.weight"][torch.tensor(seq["patch_cols"])]
        x[ids == -1] = emb
    x = x + w["embed.local_positions.weight"][local]

    t = x.shape[0]
    causal = torch.ones(t, t, dtype=torch.bool).tril()
    for i in range(layers):
        b = f"blocks.{i}."
        h = F.layer_norm(x, (x.shape[-1],), w[b + "ln1.weight"], w[b + "ln1.bias"], eps)
        qkv = h @ w[b + "attn.qkv.weight"].T + w[b + "attn.qkv.bias"]
        a = heads * kv
        q, k, v = (qkv[:, j * a:(j + 1) * a].reshape(t, heads, kv).transpose(0, 1) for j in range(3))
        scores = (q @ k.transpose(-1, -2)) / math.sqrt(kv)
        scores = scores.masked_fill(~causal, float("-inf"))
        att = torch.softmax(scores, -1) @ v
        att = att.transpose(0, 1).reshape(t, a)
        x = x + att @ w[b + "attn.out.weight"].T + w[b + "attn.out.bias"]
        h = F.layer_norm(x, (x.shape[-1],), w[b + "ln2.weight"], w[b + "ln2.bias"], eps)
        h = F.gelu(h @ w[b + "mlp.fc1.weight"].T + w[b + "mlp.fc1.bias"])
        x = x + h @ w[b + "mlp.fc2.weight"].T + w[b + "mlp.fc2.bias"]
    x = F.layer_norm(x, (x.shape[-1],), w["final_norm.weight"], w["final_norm.bias"], eps)
    logits = x @ w["embed.tokens.weight"].T
    json.dump({"logits": logits.tolist()}, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

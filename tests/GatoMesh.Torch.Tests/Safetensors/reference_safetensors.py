"""PyTorch's side of the safetensors interop tests (tests/GatoMesh.Torch.Tests/Safetensors).

Debian has no Python safetensors package, so this writes and reads the format by hand with json and
struct, following the reference implementation: an 8-byte little-endian header length, a JSON header
padded with spaces to a multiple of 8 bytes, then the tensors' bytes end to end.

  reference_safetensors.py write PATH   writes a file of known tensors; prints them as JSON
  reference_safetensors.py read PATH    reads a file strictly; prints its tensors as JSON

The JSON printed is {"metadata": {...}, "tensors": [{"name", "dtype", "shape", "values"}]} with values
flattened row-major (floats as float64, which every F16/BF16/F32 value converts to exactly).
"""
import json
import struct
import sys

import torch

DTYPES = {
    "BOOL": torch.bool, "U8": torch.uint8, "I8": torch.int8, "I16": torch.int16, "I32": torch.int32,
    "I64": torch.int64, "F16": torch.float16, "BF16": torch.bfloat16, "F32": torch.float32, "F64": torch.float64,
}
NAMES = {v: k for k, v in DTYPES.items()}


def raw_bytes(t):
    t = t.contiguous()
    if t.dtype == torch.bfloat16:  # numpy has no bfloat16; same-size view keeps the bits
        t = t.view(torch.int16)
    return t.numpy().tobytes()


def describe(name, t):
    flat = t.flatten()
    if t.dtype.is_floating_point:
        values = flat.to(torch.float64).tolist()
    else:
        values = flat.tolist()
    return {"name": name, "dtype": NAMES[t.dtype], "shape": list(t.shape), "values": values}


def write(path):
    torch.manual_seed(7)
    tensors = [
        ("layer.weight", torch.randn(3, 4)),
        ("layer.bias", torch.tensor([0.5, -1.25, 3.0])),
        ("half", torch.randn(2, 3).to(torch.float16)),
        ("brain", torch.randn(5).to(torch.bfloat16)),
        ("double", torch.tensor([[1e-300, -2.5], [3.0, 1e300]], dtype=torch.float64)),
        ("ids", torch.tensor([[9223372036854775807, -9223372036854775808], [0, 42]], dtype=torch.int64)),
        ("int32", torch.tensor([-7, 2147483647], dtype=torch.int32)),
        ("mask", torch.tensor([[True, False, True]])),
        ("pixels", torch.tensor([0, 127, 255], dtype=torch.uint8).reshape(3, 1, 1)),
        ("scalar", torch.tensor(2.75)),
        ("empty", torch.zeros(0, 4)),
    ]
    metadata = {"format": "pt", "written_by": "reference_safetensors.py"}
    header = {"__metadata__": metadata}
    offset = 0
    blobs = []
    for name, t in tensors:
        data = raw_bytes(t)
        header[name] = {"dtype": NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    encoded = json.dumps(header, separators=(",", ":")).encode("utf-8")
    encoded += b" " * ((8 - len(encoded) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        for data in blobs:
            f.write(data)
    print(json.dumps({"metadata": metadata, "tensors": [describe(n, t) for n, t in tensors]}))


def read(path):
    with open(path, "rb") as f:
        content = f.read()
    (n,) = struct.unpack("<Q", content[:8])
    assert (8 + n) % 8 == 0, f"header length {n} leaves the data section unaligned"
    header = json.loads(content[8:8 + n].decode("utf-8"))
    data = content[8 + n:]
    metadata = header.pop("__metadata__", {})
    tensors = []
    cursor = 0
    for name, info in header.items():  # json keeps the file's order
        assert set(info) == {"dtype", "shape", "data_offsets"}, info
        begin, end = info["data_offsets"]
        assert begin == cursor, f"{name}: begins at {begin}, expected {cursor}"
        cursor = end
        dtype = DTYPES[info["dtype"]]
        shape = info["shape"]
        count = 1
        for d in shape:
            count *= d
        assert end - begin == count * torch.empty((), dtype=dtype).element_size(), name
        if count == 0:
            t = torch.empty(shape, dtype=dtype)
        else:
            t = torch.frombuffer(bytearray(data[begin:end]), dtype=dtype).reshape(shape)
        tensors.append(describe(name, t))
    assert cursor == len(data), f"tensors cover {cursor} of {len(data)} data bytes"
    print(json.dumps({"metadata": metadata, "tensors": tensors}))


if __name__ == "__main__":
    {"write": write, "read": read}[sys.argv[1]](sys.argv[2])

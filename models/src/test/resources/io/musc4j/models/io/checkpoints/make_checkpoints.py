#!/usr/bin/env python3
"""Writes the PyTorch checkpoints that TorchCheckpointTest reads, and the values they must give.

Run by hand (the tests only read its output), from this folder, with a real PyTorch:

    apt-get install -y python3-torch      # Debian's torch 1.13; torch.save's zip format is unchanged since 1.6
    /usr/bin/python3 make_checkpoints.py ../../../../../../../../../testdata/parity/models/dinov2-tiny/model.safetensors

Each NAME.bin / NAME.pth gets NAME.expected.safetensors beside it: every tensor of the checkpoint, by
the dotted name TorchCheckpoint gives it, widened to float32 by torch itself (t.float()) and written
contiguous, so the test compares two independent readers. Integer tensors are left out of it (they are
not weights; the test expects them to be refused as floats). The fixed seed makes the files reproducible
up to the zip's timestamps.
"""
import collections
import json
import struct
import sys

import numpy as np
import torch

torch.manual_seed(1234)


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        data = t.detach().float().contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    h = json.dumps(header).encode()
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def flatten(prefix, obj, out):
    """The names TorchCheckpoint gives: dict keys and list indices joined by dots."""
    if isinstance(obj, torch.Tensor):
        out[prefix] = obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            flatten(f"{prefix}.{k}" if prefix else str(k), v, out)
    elif isinstance(obj, (list, tuple)):
        for i, v in enumerate(obj):
            flatten(f"{prefix}.{i}" if prefix else str(i), v, out)


def save(name, obj):
    torch.save(obj, name)
    flat = {}
    flatten("", obj, flat)
    floats = {k: v for k, v in flat.items() if v.is_floating_point()}
    write_safetensors(name.rsplit(".", 1)[0] + ".expected.safetensors", floats)
    for k, v in flat.items():
        print(f"{name}: {k} {v.dtype} shape={tuple(v.shape)} stride={v.stride()} offset={v.storage_offset()}")


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = collections.OrderedDict()
    for k, v in header.items():
        if k == "__metadata__":
            continue
        assert v["dtype"] == "F32", v
        b, e = v["data_offsets"]
        out[k] = torch.from_numpy(np.frombuffer(data[b:e], dtype="<f4").reshape(v["shape"]).copy())
    return out


# one dtype per file, values with a fraction so that F16/BF16 rounding shows
save("f32.bin", collections.OrderedDict(w=torch.randn(3, 4), b=torch.arange(5, dtype=torch.float32) / 3))
save("f16.bin", collections.OrderedDict(w=torch.randn(3, 4).half(), b=(torch.arange(5) / 3).half()))
save("bf16.bin", collections.OrderedDict(w=torch.randn(3, 4).bfloat16(), b=(torch.arange(5) / 3).bfloat16()))

# views: a transpose (non-contiguous strides), a slice (storage offset and strides), and a strided
# half-precision column, all on storages that torch.save writes whole
base = torch.randn(4, 6)
half = torch.randn(5, 3).half()
save("views.bin", collections.OrderedDict(transposed=base.t(), sliced=base[1:3, 2:5], column=half[1:, 2],
                                          row=base[3]))

# one storage behind several tensors (tied weights): the same tensor twice and a view of it
tied = torch.randn(2, 3)
save("shared.bin", collections.OrderedDict(embed=tied, head=tied, first_row=tied[0]))


# a training checkpoint: a module's state_dict (OrderedDict with _metadata, an int64 buffer), a
# Parameter saved as such (torch._utils._rebuild_parameter), plain numbers, strings and a list
class Tiny(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = torch.nn.Linear(3, 2)
        self.norm = torch.nn.BatchNorm1d(2)


model = Tiny()
model.norm.num_batches_tracked += 7
save("nested.pth", {"epoch": 3, "lr": 0.125, "arch": "tiny", "model": model.state_dict(),
                    "ema": [torch.ones(2) * 0.5, None], "scale": torch.nn.Parameter(torch.full((1,), 2.5))})

# the dinov2-tiny fixture model as a Hugging Face pytorch_model.bin (what save_pretrained wrote
# before safetensors): the same tensors under the same names
if len(sys.argv) > 1:
    sd = read_safetensors(sys.argv[1])
    torch.save(sd, "dinov2-tiny.pytorch_model.bin")
    print(f"dinov2-tiny.pytorch_model.bin: {len(sd)} tensors")

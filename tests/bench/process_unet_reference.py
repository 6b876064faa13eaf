#!/usr/bin/python3
"""Reference for bench_diffusion: the process diffusion UNet (core/ml/ProcessUNet.{h,cpp}) in
Python PyTorch, name by name, loaded from the same safetensors weights, run on the same input.

Usage (bench_diffusion calls it): /usr/bin/python3 process_unet_reference.py WEIGHTS INPUT OUTPUT
        [--reps N] [--warmup N] [--threads N] [--steps N]
WEIGHTS: weights.safetensors of a process-diffusion package (metadata holds the architecture).
INPUT:   safetensors with x [B,3,H,W] F32, t [B] I64, cond [B,5] F32, mask [B] F32.
OUTPUT:  safetensors with the network output "y" and metadata "seconds_per_forward" (median),
         and "seconds_per_image" for a DDIM loop of --steps steps with guidance (batch 2).
Safetensors is read/written here directly (Debian has no python3-safetensors).
"""
import argparse
import json
import math
import statistics
import struct
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "F64": torch.float64,
          "I64": torch.int64, "I32": torch.int32, "U8": torch.uint8}
NAMES = {v: k for k, v in DTYPES.items()}


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", {})
    base = 8 + n
    tensors = {}
    for name, info in header.items():
        start, end = info["data_offsets"]
        buf = bytearray(data[base + start:base + end])
        t = torch.frombuffer(buf, dtype=DTYPES[info["dtype"]]) if end > start else torch.empty(0, dtype=DTYPES[info["dtype"]])
        tensors[name] = t.reshape(info["shape"]).clone()
    return tensors, meta


def write_safetensors(path, tensors, meta):
    header, blobs, offset = {"__metadata__": meta}, [], 0
    for name, t in tensors.items():
        b = t.contiguous().numpy().tobytes()
        header[name] = {"dtype": NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


class ResBlock(nn.Module):
    def __init__(self, cin, cout, emb, groups):
        super().__init__()
        self.out = cout
        self.norm1 = nn.GroupNorm(groups, cin)
        self.conv1 = nn.Conv2d(cin, cout, 3, padding=1)
        self.emb_proj = nn.Linear(emb, 2 * cout)
        self.norm2 = nn.GroupNorm(groups, cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, padding=1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x, emb):
        h = self.conv1(F.silu(self.norm1(x)))
        film = self.emb_proj(emb)[:, :, None, None]
        scale, shift = film[:, :self.out], film[:, self.out:]
        h = self.norm2(h) * (1 + scale) + shift
        h = self.conv2(F.silu(h))
        return h + (self.skip(x) if self.skip is not None else x)


class ProcessUNet(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.cfg = cfg
        e, g, base, mults, nres = cfg["embedding_size"], cfg["groups"], cfg["base_channels"], cfg["channel_multipliers"], cfg["res_blocks"]
        chans = [base * m for m in mults]
        self.time_fc1, self.time_fc2 = nn.Linear(e, e), nn.Linear(e, e)
        self.cond_fc1, self.cond_fc2 = nn.Linear(cfg["condition_size"], e), nn.Linear(e, e)
        self.null_embedding = nn.Parameter(torch.zeros(e))
        self.conv_in = nn.Conv2d(3, chans[0], 3, padding=1)
        self.down_blocks, self.downsamples = nn.ModuleList(), nn.ModuleList()
        ch, skips = chans[0], []
        for level, c in enumerate(chans):
            for _ in range(nres):
                self.down_blocks.append(ResBlock(ch, c, e, g))
                ch = c
            skips.append(ch)
            if level + 1 < len(chans):
                self.downsamples.append(nn.Conv2d(ch, ch, 3, stride=2, padding=1))
        self.mid1, self.mid2 = ResBlock(ch, ch, e, g), ResBlock(ch, ch, e, g)
        self.up_blocks, self.upsamples = nn.ModuleList(), nn.ModuleList()
        for level in reversed(range(len(chans))):
            for b in range(nres):
                cin = ch + skips[level] if b == 0 else ch
                self.up_blocks.append(ResBlock(cin, chans[level], e, g))
                ch = chans[level]
            if level > 0:
                self.upsamples.append(nn.Conv2d(ch, ch, 3, padding=1))
        self.out_norm = nn.GroupNorm(g, ch)
        self.conv_out = nn.Conv2d(ch, 3, 3, padding=1)

    def forward(self, x, t, cond, mask):
        e = self.cfg["embedding_size"]
        half = e // 2
        freqs = torch.exp(torch.arange(half, dtype=torch.float32) * (-math.log(10000.0) / half))
        args = t.float()[:, None] * freqs[None]
        t_emb = self.time_fc2(F.silu(self.time_fc1(torch.cat([torch.sin(args), torch.cos(args)], 1))))
        c_emb = self.cond_fc2(F.silu(self.cond_fc1(cond.float())))
        m = mask.float()[:, None]
        emb = F.silu(t_emb + m * c_emb + (1 - m) * self.null_embedding[None])
        h = self.conv_in(x)
        skips, block, levels, nres = [], 0, len(self.cfg["channel_multipliers"]), self.cfg["res_blocks"]
        for level in range(levels):
            for _ in range(nres):
                h = self.down_blocks[block](h, emb)
                block += 1
            skips.append(h)
            if level + 1 < levels:
                h = self.downsamples[level](h)
        h = self.mid2(self.mid1(h, emb), emb)
        block, up = 0, 0
        for level in reversed(range(levels)):
            h = torch.cat([h, skips[level]], 1)
            for _ in range(nres):
                h = self.up_blocks[block](h, emb)
                block += 1
            if level > 0:
                h = F.interpolate(h, scale_factor=2.0, mode="nearest")
                h = self.upsamples[up](h)
                up += 1
        return self.conv_out(F.silu(self.out_norm(h)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("weights")
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=20)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    weights, meta = read_safetensors(a.weights)
    cfg = json.loads(meta["process_diffusion.architecture"])
    net = ProcessUNet(cfg)
    net.load_state_dict({k: v.float() for k, v in weights.items()}, strict=True)  # every name must match
    net.eval()
    inp, _ = read_safetensors(a.input)
    x, t, cond, mask = inp["x"], inp["t"], inp["cond"], inp["mask"]
    with torch.inference_mode():
        for _ in range(a.warmup):
            y = net(x, t, cond, mask)
        times = []
        for _ in range(a.reps):
            start = time.perf_counter()
            y = net(x, t, cond, mask)
            times.append(time.perf_counter() - start)
        # One image with guidance: --steps forwards of the (conditional, null) pair.
        x1, c1 = x[:1], cond[:1]
        pair_x, pair_c = torch.cat([x1, x1]), torch.cat([c1, c1])
        pair_m = torch.tensor([1.0, 0.0])
        start = time.perf_counter()
        for i in range(a.steps):
            tt = torch.full((2,), 999 - i * 999 // max(1, a.steps - 1), dtype=torch.int64)
            out = net(pair_x, tt, pair_c, pair_m)
            pair_x = pair_x - 0.01 * out  # keep the data dependency between steps
        per_image = time.perf_counter() - start
    write_safetensors(a.output, {"y": y.contiguous()},
                      {"seconds_per_forward": repr(statistics.median(times)), "seconds_per_image": repr(per_image),
                       "torch_version": torch.__version__, "threads": str(torch.get_num_threads())})
    return 0


if __name__ == "__main__":
    sys.exit(main())

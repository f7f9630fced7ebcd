#!/usr/bin/python3
"""Runs the official MuSc implementation (xrli-U/MuSc) unchanged on an MVTec-layout folder, on CPU in
float32, with a DINOv2 backbone read from a Hugging Face model folder, and writes per-image scores in
the layout of musc4j's OUT/<category>/scores.csv.

What is replaced, and only that (see README.md beside this file):
  * models.backbone._backbones.load: the reference fetches DINOv2 with
    torch.hub.load('facebookresearch/dinov2', name), which needs the network. Here the same model is
    built from the DINOv2 code vendored in the reference (models/backbone/dino_vision_transformer.py,
    as the hub's dinov2_vit*14 entry points build it) and the HF Dinov2Model weights are copied into it.
  * the Python modules ftfy and timm are stubbed: the reference imports them at module load but uses
    them only for CLIP text tokenisation and timm backbones, never for DINOv2.
Observed without being changed: MuSc.load_datasets (to read the image order) and the RsCIN function
(to read its input, the pre-RsCIN scores, and its output).
"""
import time

START = time.time()

import argparse
import csv
import json
import os
import sys
import types
from functools import partial

import numpy as np
import torch

HUB_ARCHS = {  # hub entry point -> (vendored factory, hidden, depth, heads, patch), as facebookresearch/dinov2 builds them
    "dinov2_vits14": ("vit_small", 384, 12, 6, 14),
    "dinov2_vitb14": ("vit_base", 768, 12, 12, 14),
    "dinov2_vitl14": ("vit_large", 1024, 24, 16, 14),
}


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--ref", required=True, help="checkout of github.com/xrli-U/MuSc")
    p.add_argument("--data", required=True, help="MVTec-layout root: DATA/<category>/test/<type>/*.png")
    p.add_argument("--model", required=True, help="HF Dinov2Model folder: config.json + model.safetensors")
    p.add_argument("--out", required=True, help="output folder (created)")
    p.add_argument("--category", default=None, help="comma-separated categories (default: every folder with test/)")
    p.add_argument("--image-size", type=int, default=224)
    p.add_argument("--layers", default="2,5,8,11", help="0-based block indices")
    p.add_argument("--degrees", default="1,3,5", help="LNAMD r list")
    p.add_argument("--batch", type=int, default=4)
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--vis", choices=["true", "false"], default="true",
                   help="the reference's heatmap pictures (its scripts pass --vis True)")
    p.add_argument("--save-excel", choices=["true", "false"], default="true",
                   help="the reference's results.xlsx (its scripts pass --save_excel True)")
    return p.parse_args()


def fail(msg):
    print("run_reference: " + msg, file=sys.stderr)
    sys.exit(2)


def read_safetensors(path):
    """name -> float32 numpy array; the format is an 8-byte header length, a JSON header, raw data."""
    dtypes = {"F32": np.float32, "F16": np.float16, "BF16": np.uint16, "F64": np.float64}
    with open(path, "rb") as f:
        n = int.from_bytes(f.read(8), "little")
        header = json.loads(f.read(n))
        blob = f.read()
    out = {}
    for name, meta in header.items():
        if name == "__metadata__":
            continue
        if meta["dtype"] not in dtypes:
            fail(f"{path}: tensor {name} has dtype {meta['dtype']}, expected a float type")
        a, b = meta["data_offsets"]
        arr = np.frombuffer(blob[a:b], dtype=dtypes[meta["dtype"]])
        if meta["dtype"] == "BF16":
            arr = (arr.astype(np.uint32) << 16).view(np.float32)
        out[name] = arr.astype(np.float32).reshape(meta["shape"])
    return out


def hf_config(model_dir):
    path = os.path.join(model_dir, "config.json")
    try:
        with open(path) as f:
            cfg = json.load(f)
    except (OSError, ValueError) as e:
        fail(f"{path}: {e}")
    if cfg.get("model_type") != "dinov2":
        fail(f"{path}: model_type {cfg.get('model_type')!r}, this harness runs DINOv2 only")
    expected = {"use_swiglu_ffn": False, "hidden_act": "gelu", "layer_norm_eps": 1e-6, "qkv_bias": True}
    for key, want in expected.items():
        if cfg.get(key, want) != want:
            fail(f"{path}: {key} = {cfg[key]!r}; the vendored DINOv2 here needs {want!r}")
    return cfg


def hub_name(cfg):
    """The torch.hub entry point with this architecture, else a name the reference still treats as DINOv2."""
    shape = (cfg["hidden_size"], cfg["num_hidden_layers"], cfg["num_attention_heads"], cfg["patch_size"])
    for name, (_, *arch) in HUB_ARCHS.items():
        if tuple(arch) == shape and cfg.get("mlp_ratio", 4) == 4:
            return name
    return "dinov2_hf"


def hf_to_reference(sd, depth):
    """HF Dinov2Model names -> the vendored DinoVisionTransformer's names (q, k, v packed into qkv)."""
    out = {
        "cls_token": sd["embeddings.cls_token"],
        "mask_token": sd["embeddings.mask_token"],
        "pos_embed": sd["embeddings.position_embeddings"],
        "patch_embed.proj.weight": sd["embeddings.patch_embeddings.projection.weight"],
        "patch_embed.proj.bias": sd["embeddings.patch_embeddings.projection.bias"],
        "norm.weight": sd["layernorm.weight"],
        "norm.bias": sd["layernorm.bias"],
    }
    for i in range(depth):
        h, r = f"encoder.layer.{i}.", f"blocks.{i}."
        att = h + "attention.attention."
        for t in ("weight", "bias"):
            out[r + "attn.qkv." + t] = np.concatenate([sd[att + x + "." + t] for x in ("query", "key", "value")], 0)
            out[r + "attn.proj." + t] = sd[h + "attention.output.dense." + t]
            out[r + "norm1." + t] = sd[h + "norm1." + t]
            out[r + "norm2." + t] = sd[h + "norm2." + t]
            out[r + "mlp.fc1." + t] = sd[h + "mlp.fc1." + t]
            out[r + "mlp.fc2." + t] = sd[h + "mlp.fc2." + t]
        out[r + "ls1.gamma"] = sd[h + "layer_scale1.lambda1"]
        out[r + "ls2.gamma"] = sd[h + "layer_scale2.lambda1"]
    return {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in out.items()}


def make_backbone_loader(model_dir, cfg):
    def load(name):
        """Stands in for torch.hub.load('facebookresearch/dinov2', name): same model, weights from model_dir."""
        import models.backbone.dino_vision_transformer as dvt
        from models.backbone.dinov2 import MemEffAttention, NestedTensorBlock as Block

        if name in HUB_ARCHS:
            # exactly facebookresearch/dinov2 hubconf's _make_dinov2_model(arch_name, img_size=518 ...)
            model = dvt.__dict__[HUB_ARCHS[name][0]](
                img_size=cfg["image_size"], patch_size=cfg["patch_size"], init_values=cfg.get("layerscale_value", 1.0),
                ffn_layer="mlp", block_chunks=0)
        else:
            model = dvt.DinoVisionTransformer(
                img_size=cfg["image_size"], patch_size=cfg["patch_size"], embed_dim=cfg["hidden_size"],
                depth=cfg["num_hidden_layers"], num_heads=cfg["num_attention_heads"], mlp_ratio=cfg.get("mlp_ratio", 4),
                block_fn=partial(Block, attn_class=MemEffAttention), init_values=cfg.get("layerscale_value", 1.0),
                ffn_layer="mlp", block_chunks=0)
        st = os.path.join(model_dir, "model.safetensors")
        if not os.path.isfile(st):
            fail(f"{model_dir}: no model.safetensors")
        try:
            sd = hf_to_reference(read_safetensors(st), cfg["num_hidden_layers"])
        except KeyError as e:
            fail(f"{st}: missing tensor {e.args[0]} (expected HF Dinov2Model names)")
        model.load_state_dict(sd, strict=True)
        return model
    return load


def stub_unused_imports():
    for name in ("ftfy", "timm"):
        try:
            __import__(name)
        except ImportError:
            sys.modules[name] = types.ModuleType(name)


def categories_of(data):
    cats = sorted(d for d in os.listdir(data) if os.path.isdir(os.path.join(data, d, "test")))
    if not cats:
        fail(f"{data}: no <category>/test folder")
    return cats


def main():
    a = parse_args()
    ref, data, model_dir, out = (os.path.abspath(p) for p in (a.ref, a.data, a.model, a.out))
    if not os.path.isfile(os.path.join(ref, "models", "musc.py")):
        fail(f"{ref}: not a MuSc checkout (no models/musc.py)")
    cats = a.category.split(",") if a.category else categories_of(data)
    cfg_hf = hf_config(model_dir)
    torch.set_num_threads(a.threads)
    os.makedirs(out, exist_ok=True)

    # The reference imports relative to its root (sys.path.append('./models/backbone') in musc.py).
    os.chdir(ref)
    sys.path.insert(0, ref)
    stub_unused_imports()
    import models.backbone._backbones as _backbones
    import models.musc as musc_module
    from utils.load_config import load_yaml

    _backbones.load = make_backbone_loader(model_dir, cfg_hf)

    datasets, rscin_calls = [], []
    original_load_datasets = musc_module.MuSc.load_datasets
    original_rscin = musc_module.RsCIN

    def load_datasets(self, *args, **kwargs):
        ds = original_load_datasets(self, *args, **kwargs)
        datasets.append(ds)
        return ds

    def rscin(scores_old, cls_tokens=None, k_list=[0]):
        new = original_rscin(scores_old, cls_tokens, k_list=k_list)
        rscin_calls.append((np.array(scores_old, dtype=np.float64), np.array(new), list(k_list),
                            np.array(cls_tokens, dtype=np.float32)))
        return new

    musc_module.MuSc.load_datasets = load_datasets
    musc_module.RsCIN = rscin

    cfg = load_yaml("./configs/musc.yaml")
    cfg["datasets"].update(data_path=data, dataset_name="mvtec_ad", class_name=cats, img_resize=a.image_size,
                           divide_num=1)
    cfg["models"].update(backbone_name=hub_name(cfg_hf), batch_size=a.batch,
                         feature_layers=[int(x) for x in a.layers.split(",")],
                         r_list=[int(x) for x in a.degrees.split(",")])
    cfg["testing"].update(output_dir=os.path.join(out, "reference-output"), vis=a.vis == "true",
                          save_excel=a.save_excel == "true")
    cfg["device"] = "0"  # the reference picks CPU whenever CUDA is unavailable
    if torch.cuda.is_available():
        fail("CUDA is visible; run with CUDA_VISIBLE_DEVICES= so the reference runs on the CPU")
    print(cfg, flush=True)

    model = musc_module.MuSc(cfg, seed=42)
    model.main()

    if len(rscin_calls) != len(cats) or len(datasets) != len(cats):
        fail(f"expected one dataset and one RsCIN call per category, got {len(datasets)} and {len(rscin_calls)}")
    for cat, ds, (pre, post, k_list, features) in zip(cats, datasets, rscin_calls):
        rows = ds.data_to_iterate
        if len(rows) != len(pre):
            fail(f"{cat}: {len(rows)} images but {len(pre)} scores")
        os.makedirs(os.path.join(out, cat), exist_ok=True)
        with open(os.path.join(out, cat, "scores.csv"), "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            # musc4j's names (docs/thresholds.md): score is the final score after RsCIN, map_max the
            # anomaly map's maximum before it
            w.writerow(["image", "label", "score", "map_max"])
            for (_, anomaly, path, _), s, r in zip(rows, pre, post):
                w.writerow([os.path.relpath(path, data), int(anomaly != "good"), repr(float(r)), repr(float(s))])
        # RsCIN's other input, for telling a neighbour-choice flip from a feature difference
        np.save(os.path.join(out, cat, "image_features.npy"), features)
    wall = time.time() - START
    with open(os.path.join(out, "reference_time.json"), "w") as f:
        json.dump({"wall_s": wall, "categories": cats, "backbone_name": cfg["models"]["backbone_name"],
                   "threads": a.threads, "image_size": a.image_size, "layers": cfg["models"]["feature_layers"],
                   "r_list": cfg["models"]["r_list"], "k_list": rscin_calls[0][2],
                   "torch": torch.__version__}, f, indent=1)
    print(f"reference wall time (script start to end): {wall:.2f} s", flush=True)


if __name__ == "__main__":
    main()

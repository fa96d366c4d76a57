#!/usr/bin/python3
"""The peer figure for `infogap bench encoder`: PyTorch CPU InceptionV3 (torchvision, random weights,
no aux logits), pooled features only, as many threads as the Java side uses (2 here), same cases and
the same method (warm-up, then the median forward pass over a fixed wall time).

Debian: apt-get install python3-torch python3-torchvision. Writes JSON for `--peer`."""
import argparse
import json
import statistics
import time

import torch
import torchvision


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="299,300")
    ap.add_argument("--batches", default="1,16")
    ap.add_argument("--seconds", type=float, default=20)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", default="models/bench-torch.json")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    model = torchvision.models.inception_v3(weights=None, aux_logits=False, init_weights=False)
    model.fc = torch.nn.Identity()  # the 2048-d pooled features, as the Java encoder returns
    model.eval()
    results = []
    with torch.inference_mode():
        for size in [int(s) for s in args.sizes.split(",")]:
            for batch in [int(b) for b in args.batches.split(",")]:
                x = torch.rand(batch, 3, size, size) * 2 - 1
                for _ in range(2):
                    model(x)
                times = []
                end = time.perf_counter() + args.seconds
                while time.perf_counter() < end or len(times) < 3:
                    t = time.perf_counter()
                    model(x)
                    times.append((time.perf_counter() - t) * 1000)
                ms = statistics.median(times)
                print(f"PyTorch {torch.__version__} InceptionV3, {size} px, batch {batch}: {ms / batch:.1f} ms/image")
                results.append({"size": size, "batch": batch, "passes": len(times), "ms_per_pass": ms,
                                "ms_per_image": ms / batch})
    with open(args.out, "w") as f:
        json.dump({"torch": torch.__version__, "threads": args.threads, "results": results}, f, indent=2)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Writes the convolutions and batch norms of a weight dump (nsfwjs_inception_to_keras.js) as a Keras
weights .h5 (groups conv2d_k/conv2d_k/kernel:0, batch_normalization_k/.../beta:0, moving_mean:0,
moving_variance:0), the layout KerasWeights reads. Needs Debian's python3-h5py.

    python3 tools/keras_weights_from_dump.py /tmp/iv3 models/inception_v3_nsfwjs_notop.h5
"""
import json
import sys

import h5py
import numpy as np


def main():
    dump, target = sys.argv[1], sys.argv[2]
    index = json.load(open(dump + ".json"))
    data = np.fromfile(dump + ".f32", dtype="<f4")
    offset = written = 0
    with h5py.File(target, "w") as f:
        for w in index["weights"]:
            n = int(np.prod(w["shape"]))
            values = data[offset:offset + n].reshape(w["shape"])
            offset += n
            layer, name = w["name"].split("/")
            if layer.startswith(("conv2d", "batch_normalization")):
                f.require_group(layer).require_group(layer).create_dataset(name + ":0", data=values)
                written += 1
    if offset != len(data):
        raise SystemExit(f"{dump}.f32: {len(data)} floats, the index names {offset}")
    print(f"{written} arrays -> {target}")


if __name__ == "__main__":
    main()

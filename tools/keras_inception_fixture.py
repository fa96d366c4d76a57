#!/usr/bin/env python3
"""Writes a Keras-format InceptionV3 weights file with the real layer names, shapes and HDF5 layout
(as keras.Model.save_weights writes it: root attribute layer_names, per layer a group with attribute
weight_names and the datasets under layer/layer/name:0), filled with patterned values instead of the
ImageNet weights, gzip-compressed so it stays small. Tests load it through the same path as the real
file. Needs only h5py and numpy (Debian: python3-h5py); run by hand:

    python3 tools/keras_inception_fixture.py inception_v3_pattern_notop.h5 [--top]
    gzip -9 inception_v3_pattern_notop.h5   # the committed fixture is src/test/resources/keras/*.h5.gz

Values: conv2d_k kernel[h, w, i, o] = k + o / 1000 (+ i / 1e6 for k = 1); batch_normalization_k beta = k + c / 1000,
moving_mean = -k, moving_variance = k; predictions kernel[i, o] = o / 1000, bias = -o / 1000.
"""
import sys

import h5py
import numpy as np


def layers(top):
    convs = []
    channels = {"in": 3}

    def conv(inp, filters, rows, cols):
        convs.append((rows, cols, inp, filters))
        return filters

    x = conv(3, 32, 3, 3)
    x = conv(x, 32, 3, 3)
    x = conv(x, 64, 3, 3)
    x = conv(x, 80, 1, 1)
    x = conv(x, 192, 3, 3)
    for i in range(3):
        a = conv(x, 64, 1, 1)
        b = conv(conv(x, 48, 1, 1), 64, 5, 5)
        c = conv(conv(conv(x, 64, 1, 1), 96, 3, 3), 96, 3, 3)
        d = conv(x, 32 if i == 0 else 64, 1, 1)
        x = a + b + c + d
    a = conv(x, 384, 3, 3)
    b = conv(conv(conv(x, 64, 1, 1), 96, 3, 3), 96, 3, 3)
    x = a + b + x
    for width in (128, 160, 160, 192):
        a = conv(x, 192, 1, 1)
        b = conv(conv(conv(x, width, 1, 1), width, 1, 7), 192, 7, 1)
        c = conv(x, width, 1, 1)
        c = conv(conv(conv(conv(c, width, 7, 1), width, 1, 7), width, 7, 1), 192, 1, 7)
        d = conv(x, 192, 1, 1)
        x = a + b + c + d
    a = conv(conv(x, 192, 1, 1), 320, 3, 3)
    b = conv(conv(conv(conv(x, 192, 1, 1), 192, 1, 7), 192, 7, 1), 192, 3, 3)
    x = a + b + x
    for _ in range(2):
        a = conv(x, 320, 1, 1)
        b = conv(x, 384, 1, 1)
        b = conv(b, 384, 1, 3) + conv(b, 384, 3, 1)
        c = conv(conv(x, 448, 1, 1), 384, 3, 3)
        c = conv(c, 384, 1, 3) + conv(c, 384, 3, 1)
        d = conv(x, 192, 1, 1)
        x = a + b + c + d
    assert len(convs) == 94 and x == 2048, (len(convs), x)
    return convs, x


def main(path, top):
    convs, features = layers(top)
    names = []
    with h5py.File(path, "w", libver=("v108", "v108")) as f:
        def put(layer, weights):
            g = f.create_group(layer)
            g.attrs["weight_names"] = [f"{layer}/{n}:0".encode() for n, _ in weights]
            for n, value in weights:
                g.create_dataset(f"{layer}/{n}:0", data=value.astype(np.float32), compression="gzip",
                                 compression_opts=9, chunks=value.shape,
                                 shuffle=True)
            names.append(layer.encode())

        for k, (rows, cols, inp, out) in enumerate(convs, start=1):
            # the input-channel term only in the first layer: elsewhere it would defeat compression
            in_term = np.arange(inp)[None, None, :, None] / 1e6 if k == 1 else 0.0
            kernel = (k + np.arange(out)[None, None, None, :] / 1000.0 + in_term) * np.ones((rows, cols, inp, out))
            put(f"conv2d_{k}", [("kernel", kernel)])
            put(f"batch_normalization_{k}", [("beta", k + np.arange(out) / 1000.0),
                                              ("moving_mean", np.full(out, -float(k))),
                                              ("moving_variance", np.full(out, float(k)))])
        if top:
            put("predictions", [("kernel", np.arange(1000)[None, :] / 1000.0 * np.ones((features, 1000))),
                                ("bias", -np.arange(1000) / 1000.0)])
        f.attrs["layer_names"] = names
        f.attrs["backend"] = b"tensorflow"
        f.attrs["keras_version"] = b"2.1.5"


if __name__ == "__main__":
    main(sys.argv[1], "--top" in sys.argv[2:])

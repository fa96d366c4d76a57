// Unpacks the InceptionV3 that the npm package nsfwjs (4.4.0, MIT) ships as UMD-wrapped TF.js layers files
// (dist/models/inception_v3/model.min.js + group1-shard*of6.min.js: the topology JSON and base64 weights,
// uint8-quantised) into OUT.json (topology, weight names and shapes) and OUT.f32 (dequantised float32,
// little endian, in manifest order). tools/keras_weights_from_dump.py then writes a Keras .h5 that
// `--inception-weights` loads. Used for the sentence-verifier ceilings (README, Known problems); the
// lower half of this network (conv2d_1..51, trainable false in its saved config) was kept frozen when
// it was fine-tuned for content filtering.
//
//   npm pack nsfwjs@4.4.0 && tar xzf nsfwjs-4.4.0.tgz
//   node tools/nsfwjs_inception_to_keras.js package/dist/models/inception_v3 /tmp/iv3
const fs = require('fs');
const path = require('path');

const [dir, out] = process.argv.slice(2);
if (!dir || !out) {
  console.error('usage: node nsfwjs_inception_to_keras.js MODEL_DIR OUT_PREFIX');
  process.exit(2);
}
const model = require(path.resolve(dir, 'model.min.js'));
const manifest = model.weightsManifest[0];
const data = Buffer.concat(manifest.paths.map(p => Buffer.from(require(path.resolve(dir, `${p}.min.js`)), 'base64')));
let offset = 0;
const index = [];
const parts = [];
for (const w of manifest.weights) {
  const n = w.shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(n);
  const q = w.quantization;
  if (q) {
    if (q.dtype !== 'uint8') throw new Error(`${w.name}: ${q.dtype} quantisation is not handled`);
    for (let i = 0; i < n; i++) values[i] = data[offset + i] * q.scale + q.min;
    offset += n;
  } else {
    if (w.dtype !== 'float32') throw new Error(`${w.name}: dtype ${w.dtype} is not handled`);
    for (let i = 0; i < n; i++) values[i] = data.readFloatLE(offset + 4 * i);
    offset += 4 * n;
  }
  index.push({name: w.name, shape: w.shape});
  parts.push(Buffer.from(values.buffer));
}
if (offset !== data.length) throw new Error(`read ${offset} of ${data.length} weight bytes`);
fs.writeFileSync(`${out}.json`, JSON.stringify({topology: model.modelTopology, weights: index}));
fs.writeFileSync(`${out}.f32`, Buffer.concat(parts));
console.log(`${index.length} weights, ${offset} bytes -> ${out}.json, ${out}.f32`);

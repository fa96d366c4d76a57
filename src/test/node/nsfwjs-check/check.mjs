// nsfwjs's own InceptionV3, as its npm package ships it, on PNG files: writes one JSON object with, per
// file, the five class probabilities of nsfwjs's `infer` (index order: Drawing, Hentai, Neutral, Porn, Sexy,
// nsfwjs's NSFW_CLASSES). Pure-JS TF.js CPU backend: nothing native downloads. NsfwjsAgreementTest compares these
// with infogap's InceptionV3 loaded from the same package's weights.
//
//   npm ci && node check.mjs OUT.json image1.png image2.png ...
import fs from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { PNG } from 'pngjs';
import * as nsfwjs from 'nsfwjs';

const [outFile, ...files] = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node check.mjs OUT.json IMAGE.png ...');
  process.exit(2);
}
await tf.setBackend('cpu');
const model = await nsfwjs.load('InceptionV3', { size: 299 });
const out = { backend: tf.getBackend(), tfjs: tf.version.tfjs, images: {} };
for (const file of files) {
  const png = PNG.sync.read(fs.readFileSync(file));
  const rgb = new Int32Array(png.width * png.height * 3);
  for (let i = 0, j = 0; i < png.data.length; i += 4) {
    rgb[j++] = png.data[i];
    rgb[j++] = png.data[i + 1];
    rgb[j++] = png.data[i + 2];
  }
  const image = tf.tensor3d(rgb, [png.height, png.width, 3], 'int32');
  const probabilities = Array.from(await model.infer(image).data());
  out.images[file] = { probabilities };
  image.dispose();
}
// nsfwjs logs to stdout itself: the result goes to a file
fs.writeFileSync(outFile, JSON.stringify(out));

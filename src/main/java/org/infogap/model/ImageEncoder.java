package org.infogap.model;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.infogap.store.FeatureStore;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.infogap.data.ImageLoader;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * InceptionV3 without its top, turning images into features pooled from one block ({@link ModelConfig.Image#layer()})
 * through the on-disk {@link FeatureStore}; with a grid, each image's features go on with that block's map
 * ({@link MatchHead.Settings#grid()}), cell by cell ([cells, {@value InceptionV3#GRID_CHANNELS}] after the pooled
 * features), for {@link ModelConfig#matchGrid()}. Only the blocks up to the deepest one read are computed. Its id
 * names the weights (a file's hash, or random initialisation and its seed), the input size, the pooled block and
 * the grid, so features of different encoders never mix.
 */
public final class ImageEncoder {

    private static final Logger LOG = LoggerFactory.getLogger(ImageEncoder.class);
    private static final int BATCH = 16;
    private static final int FLUSH = 512;

    private final ComputationGraph graph;
    private final ImageLoader loader;
    private final String id;
    private final String provenance;
    private final String gridLayer;
    private final int length;
    private final ImageWeights.Input input;
    private final com.fasterxml.jackson.databind.node.ObjectNode weights;
    private final String layer;
    private final int pooled;

    /** Images this encoder has run through InceptionV3 for a store ({@link #ensure}). */
    private long computed;

    /** Position in the graph's topological order of the deepest block read: the forward pass stops there. */
    private final int stop;

    private ImageEncoder(ComputationGraph graph, int size, String id, String provenance, String gridLayer,
                         ImageWeights.Input input, com.fasterxml.jackson.databind.node.ObjectNode weights, String layer) {
        this.graph = graph;
        this.input = input;
        this.weights = weights;
        this.layer = layer;
        this.pooled = InceptionV3.channels(layer);
        this.loader = new ImageLoader(size);
        this.gridLayer = gridLayer == null ? null : InceptionV3.checkGridLayer(gridLayer);
        boolean grid = gridLayer != null;
        int[] order = graph.topologicalSortOrder();
        String deepest = grid && blockIndex(gridLayer) > blockIndex(layer) ? gridLayer : layer;
        this.stop = layer.equals(InceptionV3.LAST_BLOCK) ? order.length - 1
                : java.util.Arrays.stream(order).boxed().toList().indexOf(graph.getVertex(deepest).getVertexIndex());
        // the layer is part of the id (the cache never mixes two); mixed10's ids are as before it was a choice
        String pooledId = layer.equals(InceptionV3.LAST_BLOCK) ? id : id + "-pool_" + layer;
        this.id = grid ? pooledId + "-" + gridLayer : pooledId;
        String pooledFrom = layer.equals(InceptionV3.LAST_BLOCK) ? provenance : provenance + ", pooled " + layer;
        this.provenance = grid ? pooledFrom + ", with its " + gridLayer + " grid" : pooledFrom;
        this.length = pooled + (grid ? gridCells(size) * InceptionV3.GRID_CHANNELS : 0);
    }

    private static int blockIndex(String block) {
        return Integer.parseInt(block.substring("mixed".length()));
    }

    /** Cells of a 17x17-stage map ({@link InceptionV3#checkGridLayer}) at an input size (8 x 8 at 160 px). */
    public static int gridCells(int size) {
        // the stem's valid convolutions and pools (3x3/2, 3x3, [3x3 same], pool 3x3/2, [1x1], 3x3, pool 3x3/2),
        // then mixed3's 3x3/2; forward() checks the result against the layer's real output
        int s = (size - 3) / 2 + 1;
        s = s - 2;
        s = (s - 3) / 2 + 1;
        s = s - 2;
        s = (s - 3) / 2 + 1;
        s = (s - 3) / 2 + 1;
        return s * s;
    }

    /** The block whose map the pooled features average. */
    public String layer() {
        return layer;
    }

    /** Floats per image: the pooled features, then the grid's cells when this encoder has one. */
    public int featureLength() {
        return length;
    }

    /**
     * @param weights pretrained InceptionV3 ({@link ImageWeights#load}: Keras {@code .h5} or a TF.js model), or
     *                null for random initialisation, which is logged as a warning and recorded in the provenance
     */
    public static ImageEncoder create(int size, Path weights, long seed) throws IOException {
        return create(size, weights, seed, null, InceptionV3.LAST_BLOCK);
    }

    /** The encoder a config asks for: its size, seed and pooled block, with its grid when the match head reads one. */
    public static ImageEncoder create(ModelConfig c, Path weights) throws IOException {
        return create(c.image().size(), weights, c.training().seed(), c.matchGrid() ? c.matchHead().grid() : null, c.image().layer());
    }

    /**
     * As {@link #create(int, Path, long)}, the pooled features averaged over block {@code layer}'s map, followed by
     * block {@code gridLayer}'s cells unless it is null.
     */
    public static ImageEncoder create(int size, Path weights, long seed, String gridLayer, String layer) throws IOException {
        ComputationGraph graph = InceptionV3.withoutTop(size, seed).init();
        ImageWeights.Source source = weights == null ? null : ImageWeights.load(graph, weights);
        // inference only: batch norm folded into the convolutions, 117 vs 194 ms/image at 299 px batch 1 with
        // oneDNN (bench encoder, 2026-11-26); the features equal the unfolded graph's up to float rounding (tested)
        graph = InceptionV3.foldBatchNorm(graph, size);
        if (weights == null) {
            LOG.warn("InceptionV3 starts from RANDOM weights (--image-weights random): image features "
                    + "carry no ImageNet knowledge; results are not comparable to the paper's");
            return new ImageEncoder(graph, size, "inception_v3-" + size + "-random-" + seed,
                    "InceptionV3 random init (seed " + seed + "), " + size + " px", gridLayer, ImageWeights.Input.KERAS,
                    com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("format", "random")
                            .put("seed", seed), layer);
        }
        LOG.info("image encoder: {}, features pooled from {}", source.description(), layer);
        return new ImageEncoder(graph, size, "inception_v3-" + size + "-" + source.idPart(),
                source.description() + ", " + size + " px", gridLayer, source.input(), source.provenance(), layer);
    }

    /** The weights' origin as JSON (format, file, sha256, package and version when known), for provenance. */
    public com.fasterxml.jackson.databind.node.ObjectNode weights() {
        return weights.deepCopy();
    }

    /** The range pixels are scaled to before the network. */
    public ImageWeights.Input input() {
        return input;
    }

    /** An image, loaded at the encoder's size, as the network's input (CHW). */
    public float[] pixels(java.awt.image.BufferedImage image) {
        return input.pixels(image);
    }

    /**
     * The encoder a bundle's features came from: its own end-to-end trained InceptionV3 when it carries
     * one ({@link ImageTuner#PARAMS}), else the one {@code weights} (or random init) gives, which must
     * be the one it was trained with.
     */
    public static ImageEncoder forBundle(ModelBundle bundle, Path weights) throws IOException {
        ModelConfig c = bundle.config();
        INDArray tuned = bundle.parameters().get(ImageTuner.PARAMS);
        ImageEncoder encoder = tuned != null
                ? tuned(c.image().size(), tuned, ImageWeights.Input.ofEncoderId(bundle.imageEncoderId()))
                : create(c, weights);
        if (!encoder.id().equals(bundle.imageEncoderId())) {
            throw new IllegalArgumentException("the model's image features came from " + bundle.imageEncoderId()
                    + ", this run's would come from " + encoder.id() + "; pass the --image-weights it was trained with");
        }
        return encoder;
    }

    /**
     * InceptionV3 with end-to-end trained parameters (flat, batch norm folded, as {@link ImageTuner#params()}),
     * fed pixels in the range of the weights it was tuned from.
     */
    public static ImageEncoder tuned(int size, INDArray params, ImageWeights.Input input) {
        ComputationGraph graph = InceptionV3.foldedWithoutTop(size, params, null);
        String id = tunedId(size, params, input);
        return new ImageEncoder(graph, size, id, "InceptionV3 trained end to end (" + id + ")", null, input,
                com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("format", "tuned"),
                InceptionV3.LAST_BLOCK);
    }

    /** The id of tuned parameters: their content hash (and input range), so the feature cache never mixes two tunings. */
    public static String tunedId(int size, INDArray params, ImageWeights.Input input) {
        return tunedId(size, params) + (input == ImageWeights.Input.UNIT ? "-unit" : "");
    }

    private static String tunedId(int size, INDArray params) {
        try {
            java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
            float[] values = params.toFloatVector();
            java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(values.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            bytes.asFloatBuffer().put(values);
            digest.update(bytes);
            return "inception_v3-" + size + "-tuned-" + java.util.HexFormat.of().formatHex(digest.digest()).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public String id() {
        return id;
    }

    public String provenance() {
        return provenance;
    }

    public ImageLoader loader() {
        return loader;
    }

    /** Images run through InceptionV3 by {@link #ensure} so far: those its stores lacked. */
    public long computed() {
        return computed;
    }

    /** Features of images already loaded at the encoder's size, no cache. */
    public List<float[]> features(List<java.awt.image.BufferedImage> images) {
        List<float[]> chw = new ArrayList<>(images.size());
        for (java.awt.image.BufferedImage image : images) {
            chw.add(pixels(image));
        }
        return forward(chw);
    }

    /** Features of one image, no cache. */
    public float[] features(Path image) {
        return forward(List.of(pixels(loader.load(image)))).get(0);
    }

    /** Features of every image, in memory: from the store where present, computed (with progress) and stored otherwise. */
    public Map<Path, float[]> features(List<Path> images, FeatureStore cache) throws IOException {
        Map<Path, float[]> out = new LinkedHashMap<>();
        for (Map.Entry<Path, String> e : ensure(images, cache).entrySet()) {
            out.put(e.getKey(), cache.get(e.getValue()).orElseThrow());
        }
        return out;
    }

    /**
     * Computes (with progress) and stores the features of the images the store lacks, {@value #FLUSH} per transaction,
     * so a killed pass resumes where it stopped; returns each image's content hash. Holds one batch's features.
     */
    public Map<Path, String> ensure(List<Path> images, FeatureStore cache) throws IOException {
        Map<Path, String> hashes = new LinkedHashMap<>();
        List<Path> missing = new ArrayList<>();
        try (ProgressBar bar = new ProgressBarBuilder().setTaskName("hashing images").setInitialMax(images.size())
                .setUnit(" img", 1).showSpeed().continuousUpdate().build()) {
            for (Path image : images) {
                if (!hashes.containsKey(image)) {
                    String hash = org.infogap.io.Hashes.sha256(image);
                    hashes.put(image, hash);
                    if (!cache.contains(hash)) {
                        missing.add(image);
                    }
                }
                bar.step();
            }
        }
        if (missing.isEmpty()) {
            return hashes;
        }
        LOG.info("image features: {} of {} images to compute, the rest stored", missing.size(), hashes.size());
        try (ProgressBar bar = new ProgressBarBuilder().setTaskName("image features").setInitialMax(missing.size())
                .setUnit(" img", 1).showSpeed().build()) {
            for (int from = 0; from < missing.size(); from += BATCH) {
                List<Path> batch = missing.subList(from, Math.min(missing.size(), from + BATCH));
                List<float[]> inputs = new ArrayList<>();
                for (Path p : batch) {
                    inputs.add(pixels(loader.load(p)));
                }
                List<float[]> features = forward(inputs);
                for (int i = 0; i < batch.size(); i++) {
                    cache.put(hashes.get(batch.get(i)), features.get(i));
                }
                computed += batch.size();
                bar.stepBy(batch.size());
                if (cache.pendingCount() >= FLUSH) {
                    cache.flush(); // a killed run keeps what it computed
                }
            }
        }
        cache.flush();
        return hashes;
    }

    private List<float[]> forward(List<float[]> chw) {
        int s = loader.size();
        float[] all = new float[chw.size() * 3 * s * s];
        for (int i = 0; i < chw.size(); i++) {
            System.arraycopy(chw.get(i), 0, all, i * 3 * s * s, 3 * s * s);
        }
        INDArray input = Feeds.floats(all, chw.size(), 3, s, s);
        List<float[]> out = new ArrayList<>();
        boolean last = layer.equals(InceptionV3.LAST_BLOCK);
        boolean grid = gridLayer != null;
        // the graph's own output when only avg_pool is wanted; otherwise the activations up to the deepest block read
        // (mixed5 is about half of the network's multiply-adds at any size)
        Map<String, INDArray> activations = grid || !last
                // (M2.1's 3-argument feedForward reads its index as a layer's, this one as a topological position)
                ? NativeBuild.withOneDnn(true, () -> graph.feedForward(new INDArray[] {input}, stop, false, true)) : null;
        INDArray pooled = activations == null ? NativeBuild.withOneDnn(true, () -> graph.outputSingle(false, input))
                : last ? activations.get(InceptionV3.POOL) : activations.get(layer).mean(2, 3);
        if (!grid) {
            for (int i = 0; i < chw.size(); i++) {
                out.add(pooled.getRow(i).toFloatVector());
            }
            if (activations != null) {
                Network.release(activations.values());
            }
            return out;
        }
        // [images, channels, h, w] -> [images, cells, channels]: the match head attends over cells
        INDArray cells = activations.get(gridLayer).reshape('c', chw.size(), InceptionV3.GRID_CHANNELS, -1)
                .permute(0, 2, 1).dup('c');
        for (int i = 0; i < chw.size(); i++) {
            float[] f = new float[length];
            System.arraycopy(pooled.getRow(i).toFloatVector(), 0, f, 0, this.pooled);
            float[] g = cells.slice(i).reshape(-1).toFloatVector();
            if (g.length != length - this.pooled) {
                throw new IllegalStateException(gridLayer + " has " + g.length + " values, expected "
                        + (length - this.pooled));
            }
            System.arraycopy(g, 0, f, this.pooled, g.length);
            out.add(f);
        }
        Network.release(activations.values());
        return out;
    }
}

package org.infogap.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.infogap.data.BadInputException;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Pretrained InceptionV3 weights from either format a user can get them in: a Keras {@code .h5}
 * ({@link KerasWeights}) or a TF.js layers model ({@link TfjsModel}: {@code model.json} or the wrapped
 * {@code .min.js} files of an npm package such as nsfwjs), loaded into {@link InceptionV3} by Keras layer
 * name ({@code conv2d_k/kernel}, {@code batch_normalization_k/beta|moving_mean|moving_variance}), every
 * shape checked. The {@link Source} says what was loaded, for the encoder's id and the bundle's provenance.
 */
public final class ImageWeights {

    /** What a TF.js import writes beside the model: where it came from (package, version, tarball digest). */
    public static final String PROVENANCE_FILE = "infogap-source.json";

    /** How pixels are scaled before the network: the range the weights were trained on. */
    public enum Input {
        /** [-1, 1], Keras's {@code preprocess_input} for InceptionV3 (ImageNet weights). */
        KERAS,
        /** [0, 1], pixel / 255, as nsfwjs's {@code infer} feeds its model (it was fine-tuned so). */
        UNIT;

        /** An image as the network's input (CHW), scaled to this range. */
        public float[] pixels(java.awt.image.BufferedImage image) {
            return this == UNIT ? ImageTensors.unit(image) : ImageTensors.inceptionInput(image);
        }

        /** What an encoder id marks ({@code -unit}, from {@link Source#idPart()} or a tuned id) on its weights. */
        public static Input ofEncoderId(String encoderId) {
            return encoderId.contains("-unit") ? UNIT : KERAS;
        }
    }

    /**
     * What was loaded.
     *
     * @param idPart     names the weights in the encoder id (content hash; with {@code -unit} for [0, 1] input)
     * @param provenance JSON: file, format, sha256, package/version/integrity when known, frozen layers
     */
    public record Source(String idPart, String description, Input input, ObjectNode provenance) {
    }

    private ImageWeights() {
    }

    /** Loads {@code path} (.h5, model.json, model[.min].js or a folder holding one) into {@code graph}. */
    public static Source load(ComputationGraph graph, Path path) throws IOException {
        if (!Files.exists(path)) {
            throw new BadInputException(path, null, null, "no such InceptionV3 weights file or folder");
        }
        String name = path.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (name.endsWith(".h5") || name.endsWith(".hdf5") || name.endsWith(".keras")) {
            KerasWeights.load(graph, path);
            String sha256 = org.infogap.io.Hashes.sha256(path);
            String hash = sha256.substring(0, 16);
            ObjectNode p = JsonNodeFactory.instance.objectNode().put("format", "keras-h5").put("file", path.toString())
                    .put("sha256", sha256).put("input", "[-1, 1]");
            return new Source(hash, "InceptionV3 Keras weights " + path.getFileName() + " (sha256 " + hash + "...)",
                    Input.KERAS, p);
        }
        TfjsModel model = TfjsModel.read(path);
        return loadTfjs(graph, model);
    }

    /** Sets the convolutions and batch norms of {@code graph} from a TF.js model of Keras's InceptionV3 already read. */
    public static Source loadTfjs(ComputationGraph graph, TfjsModel model) throws IOException {
        Path file = model.file();
        Map<String, float[]> w = model.weights();
        int convolutions = 0;
        for (Layer layer : graph.getLayers()) {
            String ours = layer.getConfig().getLayerName();
            if (ours.startsWith("conv2d_")) {
                convolutions++;
                // Keras kernels are [h, w, in, out], DL4J's [out, in, h, w]
                set(layer, "W", tensor(model, ours + "/kernel").permute(3, 2, 0, 1), file, ours + "/kernel");
            } else if (ours.startsWith("batch_normalization_")) {
                set(layer, "beta", tensor(model, ours + "/beta"), file, ours + "/beta");
                set(layer, "mean", tensor(model, ours + "/moving_mean"), file, ours + "/moving_mean");
                set(layer, "var", tensor(model, ours + "/moving_variance"), file, ours + "/moving_variance");
                if (w.containsKey(ours + "/gamma")) {
                    set(layer, "gamma", tensor(model, ours + "/gamma"), file, ours + "/gamma");
                } else {
                    layer.getParam("gamma").assign(1.0); // Keras's InceptionV3 batch norm has scale=False
                }
            }
        }
        ObjectNode p = JsonNodeFactory.instance.objectNode().put("format", "tfjs-layers").put("file", file.toString())
                .put("sha256", model.sha256());
        JsonNode origin = origin(file);
        if (origin != null) {
            p.setAll((ObjectNode) origin);
        }
        List<String> frozen = new ArrayList<>();
        for (String layer : model.frozenLayers()) {
            if (layer.startsWith("conv2d_")) {
                frozen.add(layer);
            }
        }
        p.put("convolutions", convolutions);
        p.put("frozen_convolutions", frozenRange(frozen));
        Input input = "nsfwjs".equals(p.path("package").asText()) ? Input.UNIT : Input.KERAS;
        if (p.has("input_scale")) {
            input = Input.valueOf(p.get("input_scale").asText().toUpperCase(java.util.Locale.ROOT));
        }
        p.put("input", input == Input.UNIT ? "[0, 1]" : "[-1, 1]");
        String hash = model.sha256().substring(0, 16);
        String pkg = p.has("package") ? p.get("package").asText() + " " + p.path("version").asText() + " " : "";
        String description = "InceptionV3 TF.js weights " + pkg + "(sha256 " + hash + "..., conv2d "
                + frozenRange(frozen) + " frozen at their pretrained values, input " + p.get("input").asText() + ")";
        return new Source("tfjs-" + hash + (input == Input.UNIT ? "-unit" : ""), description, input, p);
    }

    /** Convolution names as sorted ranges: {@code conv2d_1..50, conv2d_55}. */
    static String frozenRange(List<String> convs) {
        if (convs.isEmpty()) {
            return "none";
        }
        int[] k = convs.stream().mapToInt(c -> Integer.parseInt(c.substring("conv2d_".length()))).sorted().toArray();
        List<String> ranges = new ArrayList<>();
        for (int i = 0; i < k.length; ) {
            int j = i;
            while (j + 1 < k.length && k[j + 1] == k[j] + 1) {
                j++;
            }
            ranges.add("conv2d_" + k[i] + (j > i ? ".." + k[j] : ""));
            i = j + 1;
        }
        return String.join(", ", ranges);
    }

    /**
     * Where a TF.js model came from: {@value #PROVENANCE_FILE} beside it (written by {@code weights import}),
     * else the {@code package.json} of the npm package it sits in (up to four folders up).
     */
    static JsonNode origin(Path modelFile) throws IOException {
        Path dir = modelFile.toAbsolutePath().getParent();
        ObjectMapper json = new ObjectMapper();
        Path recorded = dir.resolve(PROVENANCE_FILE);
        if (Files.isRegularFile(recorded)) {
            return json.readTree(recorded.toFile());
        }
        for (Path d = dir; d != null && d.getNameCount() >= dir.getNameCount() - 4; d = d.getParent()) {
            Path pkg = d.resolve("package.json");
            if (Files.isRegularFile(pkg)) {
                JsonNode p = json.readTree(pkg.toFile());
                return JsonNodeFactory.instance.objectNode().put("package", p.path("name").asText())
                        .put("version", p.path("version").asText()).put("license", p.path("license").asText());
            }
        }
        return null;
    }

    static INDArray tensor(TfjsModel model, String name) {
        float[] values = model.weights().get(name);
        if (values == null) {
            throw new BadInputException(model.file(), null, name, "missing weight " + name
                    + " (not Keras's InceptionV3, or its layers are named otherwise)");
        }
        return Nd4j.create(values, model.shape(name), 'c');
    }

    /** Assigns one parameter, refusing another shape with a message naming their weight and our parameter. */
    static void set(Layer layer, String param, INDArray value, Path file, String theirs) {
        INDArray target = layer.getParam(param);
        boolean fits = target.rank() == value.rank() ? Arrays.equals(target.shape(), value.shape())
                : target.length() == value.length();
        if (!fits) {
            throw new BadInputException(file, null, theirs, "shape " + Arrays.toString(value.shape()) + " does not fit our "
                    + layer.getConfig().getLayerName() + "." + param + " " + Arrays.toString(target.shape()));
        }
        target.assign(value.dup('c').reshape('c', target.shape()));
    }

    /**
     * The Dense layers after the pooled features in a TF.js model (nsfwjs: 2048 -> 256 relu -> 128 relu
     * -> 5 softmax), as plain matrices: class probabilities from pooled features. Dropout is the identity
     * at inference.
     */
    public static DenseTop denseTop(TfjsModel model) {
        List<INDArray[]> layers = new ArrayList<>();
        List<String> activations = new ArrayList<>();
        for (JsonNode layer : model.layers()) {
            if (!"Dense".equals(layer.path("class_name").asText())) {
                continue;
            }
            String name = layer.path("name").asText();
            layers.add(new INDArray[] {tensor(model, name + "/kernel"), tensor(model, name + "/bias")});
            activations.add(layer.path("config").path("activation").asText("linear"));
        }
        if (layers.isEmpty()) {
            throw new BadInputException(model.file(), null, "modelTopology", "no Dense layers after the features");
        }
        return new DenseTop(layers, activations);
    }

    /** Dense layers as matrices, applied to rows of pooled features. */
    public record DenseTop(List<INDArray[]> layers, List<String> activations) {

        public INDArray apply(INDArray pooled) {
            INDArray x = pooled;
            for (int i = 0; i < layers.size(); i++) {
                x = x.mmul(layers.get(i)[0]).addRowVector(layers.get(i)[1]);
                x = switch (activations.get(i)) {
                    case "relu" -> org.nd4j.linalg.ops.transforms.Transforms.relu(x, false);
                    case "softmax" -> org.nd4j.linalg.ops.transforms.Transforms.softmax(x, false);
                    case "linear" -> x;
                    default -> throw new IllegalArgumentException("Dense activation " + activations.get(i) + " not read");
                };
            }
            return x;
        }
    }
}

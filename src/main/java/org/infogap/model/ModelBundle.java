package org.infogap.model;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;
import org.infogap.data.BadInputException;
import org.infogap.io.AtomicFiles;
import org.infogap.io.Json;
import org.infogap.text.Vocabulary;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Everything needed to run a trained network, in one zip written atomically: the configuration, the
 * vocabulary and its fixed word vectors, the feature standardisation, the image encoder's id and
 * provenance, every parameter by name, and the training state (epoch, learning rate, history, best
 * validation figure) that {@code --resume} continues from.
 *
 * <pre>
 * bundle.json            kind, config, image encoder id, provenance, training state
 * vocabulary.txt         the Vocabulary file format
 * arrays/NAME            ND4J binary arrays: word_vectors, feature_mean, feature_std, params/...
 * </pre>
 */
public record ModelBundle(String kind, ModelConfig config, Vocabulary vocabulary, INDArray wordVectors,
                          FeatureNorm featureNorm, String imageEncoderId, ObjectNode state,
                          Map<String, INDArray> parameters) {

    public static final String AUTOENCODER = "autoencoder";
    public static final String CLASSIFIER = "classifier";
    /** The match head's warm-up ({@link Matcher}), kept beside an autoencoder's checkpoints. */
    public static final String MATCHER = "matcher";
    private static final int FORMAT = 1;

    public void save(Path file) throws IOException {
        AtomicFiles.write(file, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            ObjectNode meta = Json.mapper().createObjectNode();
            meta.put("format", FORMAT).put("kind", kind).put("image_encoder", imageEncoderId);
            meta.set("config", config.toTree());
            meta.set("state", state);
            entry(zip, "bundle.json", Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(meta));
            entry(zip, "vocabulary.txt", vocabulary.serialize().getBytes(StandardCharsets.UTF_8));
            array(zip, "arrays/word_vectors", wordVectors);
            array(zip, "arrays/feature_mean", featureNorm.mean());
            array(zip, "arrays/feature_std", featureNorm.std());
            for (Map.Entry<String, INDArray> p : parameters.entrySet()) {
                array(zip, "arrays/params/" + p.getKey(), p.getValue());
            }
            zip.finish();
        });
    }

    /** What {@link #header} reads: the bundle's kind, image encoder id and training state, without its arrays. */
    public record Header(String kind, String imageEncoderId, ObjectNode state) {
    }

    /** Reads only {@code bundle.json}: which image encoder a bundle needs, before loading it. */
    public static Header header(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new BadInputException(file, null, null, "no such model bundle");
        }
        try (java.util.zip.ZipFile zip = new java.util.zip.ZipFile(file.toFile())) {
            ZipEntry e = zip.getEntry("bundle.json");
            if (e == null) {
                throw new BadInputException(file, null, "bundle.json", "missing from the bundle");
            }
            try (java.io.InputStream in = zip.getInputStream(e)) {
                ObjectNode meta = (ObjectNode) Json.mapper().readTree(in);
                return new Header(meta.path("kind").asText(), meta.path("image_encoder").asText(),
                        meta.get("state") instanceof ObjectNode state ? state : null);
            }
        } catch (java.util.zip.ZipException e) {
            throw new BadInputException(file, null, null, "not a readable model bundle: " + e.getMessage());
        }
    }

    public static ModelBundle load(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new BadInputException(file, null, null, "no such model bundle");
        }
        ObjectNode meta = null;
        Vocabulary vocabulary = null;
        Map<String, INDArray> arrays = new LinkedHashMap<>();
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(file))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                byte[] bytes = zip.readAllBytes();
                if (e.getName().equals("bundle.json")) {
                    meta = (ObjectNode) Json.mapper().readTree(bytes);
                } else if (e.getName().equals("vocabulary.txt")) {
                    vocabulary = Vocabulary.parse(new String(bytes, StandardCharsets.UTF_8), file);
                } else if (e.getName().startsWith("arrays/")) {
                    arrays.put(e.getName().substring("arrays/".length()), read(bytes));
                }
            }
        } catch (java.util.zip.ZipException | java.io.EOFException e) {
            throw new BadInputException(file, null, null, "not a readable model bundle: " + e.getMessage());
        }
        if (meta == null || vocabulary == null) {
            throw new BadInputException(file, null, meta == null ? "bundle.json" : "vocabulary.txt", "missing from the bundle");
        }
        if (meta.path("format").asInt() != FORMAT) {
            throw new BadInputException(file, "bundle.json", "format", "unsupported bundle format " + meta.path("format"));
        }
        ModelConfig config;
        try {
            config = ModelConfig.fromTree(meta.path("config"), null);
        } catch (IllegalArgumentException e) {
            throw new BadInputException(file, "bundle.json", "config", e.getMessage());
        }
        Map<String, INDArray> params = new LinkedHashMap<>();
        arrays.forEach((k, v) -> {
            if (k.startsWith("params/")) {
                params.put(k.substring("params/".length()), v);
            }
        });
        return new ModelBundle(meta.path("kind").asText(), config, vocabulary, required(arrays, "word_vectors", file),
                new FeatureNorm(required(arrays, "feature_mean", file), required(arrays, "feature_std", file)),
                meta.path("image_encoder").asText(), (ObjectNode) meta.get("state"), params);
    }

    private static INDArray required(Map<String, INDArray> arrays, String name, Path file) {
        INDArray a = arrays.get(name);
        if (a == null) {
            throw new BadInputException(file, null, "arrays/" + name, "missing from the bundle");
        }
        return a;
    }

    private static void entry(ZipOutputStream zip, String name, byte[] bytes) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(bytes);
        zip.closeEntry();
    }

    private static void array(ZipOutputStream zip, String name, INDArray array) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        try (DataOutputStream data = new DataOutputStream(buffer)) {
            Nd4j.write(array, data);
        }
        entry(zip, name, buffer.toByteArray());
    }

    private static INDArray read(byte[] bytes) throws IOException {
        try (InputStream in = new ByteArrayInputStream(bytes); DataInputStream data = new DataInputStream(in)) {
            return Nd4j.read(data);
        }
    }
}

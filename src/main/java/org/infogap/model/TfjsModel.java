package org.infogap.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.infogap.data.BadInputException;

/**
 * A Keras model saved in TF.js layers format: the {@code modelTopology} and the named weights of its
 * {@code weightsManifest}, dequantised to float32. Reads the plain files ({@code model.json} and binary
 * shards) and the UMD-wrapped JavaScript modules that npm packages such as nsfwjs ship instead
 * ({@code model.min.js}, whose module exports the same object as a JavaScript literal, and
 * {@code group1-shard1of6.min.js}, whose module exports the shard's bytes as a base64 string).
 *
 * <p>Weights are float32, or quantised to uint8/uint16 with the manifest's {@code min} and {@code scale}
 * (value = q * scale + min, as TF.js dequantises); float16 quantisation and other dtypes are refused by
 * name. The model's digest covers the topology and every weight byte, so two copies of one model in
 * different wrappers share it only when their content is equal.
 */
public final class TfjsModel {

    /** File names looked for in a model folder, in this order. */
    static final List<String> MODEL_FILES = List.of("model.json", "model.min.js", "model.js");

    private static final JsonMapper STRICT = new JsonMapper();
    /** JavaScript object literals as minifiers write them: unquoted keys, .5, !0/!1 (rewritten before). */
    private static final JsonMapper LITERAL = JsonMapper.builder()
            .enable(JsonReadFeature.ALLOW_UNQUOTED_FIELD_NAMES, JsonReadFeature.ALLOW_SINGLE_QUOTES,
                    JsonReadFeature.ALLOW_LEADING_DECIMAL_POINT_FOR_NUMBERS,
                    JsonReadFeature.ALLOW_TRAILING_DECIMAL_POINT_FOR_NUMBERS,
                    JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS, JsonReadFeature.ALLOW_LEADING_PLUS_SIGN_FOR_NUMBERS)
            .build();
    /** A CommonJS module's export of an object or a string literal, as browserify's UMD bundles hold it. */
    private static final Pattern EXPORTS = Pattern.compile("\\.exports\\s*=\\s*([{\"'])");

    private final Path file;
    private final JsonNode topology;
    private final Map<String, float[]> weights;
    private final Map<String, long[]> shapes;
    private final String sha256;
    /** The manifest's weight specs and the shards' bytes, all groups in order: what {@link #write} keeps. */
    private final List<JsonNode> specs;
    private final byte[] data;

    private TfjsModel(Path file, JsonNode topology, Map<String, float[]> weights, Map<String, long[]> shapes,
                      String sha256, List<JsonNode> specs, byte[] data) {
        this.file = file;
        this.topology = topology;
        this.weights = weights;
        this.shapes = shapes;
        this.sha256 = sha256;
        this.specs = specs;
        this.data = data;
    }

    /**
     * @param path a {@code model.json}, {@code model.min.js} or {@code model.js}, or a folder holding one;
     *             the shards are looked for beside it under their manifest names, then as {@code NAME.min.js}
     *             and {@code NAME.js}
     */
    public static TfjsModel read(Path path) throws IOException {
        Path file = modelFile(path);
        MessageDigest digest = newSha256();
        String text = Files.readString(file, StandardCharsets.UTF_8);
        JsonNode root = file.getFileName().toString().endsWith(".json") ? parseJson(file, text) : exportedObject(file, text);
        digest.update(STRICT.writeValueAsBytes(root.path("modelTopology")));
        JsonNode topology = root.get("modelTopology");
        JsonNode manifest = root.get("weightsManifest");
        if (topology == null || !topology.isObject()) {
            throw new BadInputException(file, null, "modelTopology", "not a TF.js layers model: no modelTopology object");
        }
        if (manifest == null || !manifest.isArray()) {
            throw new BadInputException(file, null, "weightsManifest", "not a TF.js layers model: no weightsManifest array");
        }
        Map<String, float[]> weights = new LinkedHashMap<>();
        Map<String, long[]> shapes = new LinkedHashMap<>();
        List<JsonNode> specs = new ArrayList<>();
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int g = 0; g < manifest.size(); g++) {
            JsonNode group = manifest.get(g);
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (JsonNode p : group.path("paths")) {
                bytes.writeBytes(shard(file, p.asText()));
            }
            byte[] data = bytes.toByteArray();
            digest.update(data);
            decodeGroup(file, g, group.path("weights"), data, weights, shapes);
            group.path("weights").forEach(specs::add);
            all.writeBytes(data);
        }
        return new TfjsModel(file, topology, weights, shapes, HexFormat.of().formatHex(digest.digest()), specs,
                all.toByteArray());
    }

    /** The weights file {@link #write} writes beside {@code model.json}. */
    public static final String WEIGHTS_FILE = "weights.bin";

    /**
     * Writes the model as plain TF.js layers files: {@code model.json} (topology, one manifest group) and
     * {@value #WEIGHTS_FILE} (the shards' bytes unchanged, quantised as they were), so it reads back with the
     * same weights and the same {@link #sha256()}.
     */
    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        com.fasterxml.jackson.databind.node.ObjectNode json = STRICT.createObjectNode();
        json.put("format", "layers-model").put("generatedBy", "infogap weights import").put("convertedBy", "infogap");
        json.set("modelTopology", topology);
        com.fasterxml.jackson.databind.node.ObjectNode group = json.putArray("weightsManifest").addObject();
        group.putArray("paths").add(WEIGHTS_FILE);
        group.putArray("weights").addAll(specs);
        org.infogap.io.AtomicFiles.write(dir.resolve(WEIGHTS_FILE), out -> out.write(data));
        org.infogap.io.AtomicFiles.writeString(dir.resolve("model.json"), STRICT.writeValueAsString(json));
    }

    /** The model file a path names: itself, or the first of {@link #MODEL_FILES} in a folder. */
    static Path modelFile(Path path) {
        if (Files.isDirectory(path)) {
            for (String name : MODEL_FILES) {
                if (Files.isRegularFile(path.resolve(name))) {
                    return path.resolve(name);
                }
            }
            throw new BadInputException(path, null, null, "no TF.js model here: looked for " + String.join(", ", MODEL_FILES));
        }
        if (!Files.isRegularFile(path)) {
            throw new BadInputException(path, null, null, "no such TF.js model file");
        }
        return path;
    }

    public Path file() {
        return file;
    }

    public JsonNode topology() {
        return topology;
    }

    /** Dequantised weights by manifest name ({@code conv2d_1/kernel}), in manifest order. */
    public Map<String, float[]> weights() {
        return weights;
    }

    public long[] shape(String name) {
        return shapes.get(name);
    }

    /** SHA-256 of the topology (as JSON) and every shard's bytes, hex. */
    public String sha256() {
        return sha256;
    }

    /** The Keras layers of the topology, in order ({@code model_config.config.layers}). */
    public List<JsonNode> layers() {
        List<JsonNode> out = new ArrayList<>();
        topology.path("model_config").path("config").path("layers").forEach(out::add);
        return out;
    }

    /** Names of the layers whose saved config says {@code trainable: false}, in order. */
    public List<String> frozenLayers() {
        List<String> out = new ArrayList<>();
        for (JsonNode layer : layers()) {
            if (!layer.path("config").path("trainable").asBoolean(true)) {
                out.add(layer.path("name").asText());
            }
        }
        return out;
    }

    private static void decodeGroup(Path file, int g, JsonNode specs, byte[] data, Map<String, float[]> weights,
                                    Map<String, long[]> shapes) {
        ByteBuffer buffer = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
        for (JsonNode spec : specs) {
            String name = spec.path("name").asText();
            String field = "weightsManifest[" + g + "]." + name;
            long[] shape = new long[spec.path("shape").size()];
            long n = 1;
            for (int i = 0; i < shape.length; i++) {
                shape[i] = spec.path("shape").get(i).asLong();
                n *= shape[i];
            }
            if (n > Integer.MAX_VALUE) {
                throw new BadInputException(file, null, field, "weight of " + n + " values is too large");
            }
            float[] values = new float[(int) n];
            JsonNode q = spec.get("quantization");
            String dtype = q != null ? q.path("dtype").asText() : spec.path("dtype").asText("float32");
            int width = switch (dtype) {
                case "float32" -> 4;
                case "uint8" -> 1;
                case "uint16" -> 2;
                default -> throw new BadInputException(file, null, field, (q != null ? "quantisation " : "dtype ")
                        + dtype + " is not read (float32, and uint8/uint16 quantisation are)");
            };
            if (q != null && !"float32".equals(spec.path("dtype").asText("float32"))) {
                throw new BadInputException(file, null, field, "quantised " + spec.path("dtype").asText() + " weights are not read");
            }
            if (q != null && (!q.has("min") || !q.has("scale"))) {
                throw new BadInputException(file, null, field, dtype + " quantisation without min and scale");
            }
            if (buffer.remaining() < n * width) {
                throw new BadInputException(file, null, field, "the shards end " + (n * width - buffer.remaining())
                        + " bytes before this weight does (" + data.length + " bytes in group " + g + ")");
            }
            double min = q == null ? 0 : q.get("min").asDouble();
            double scale = q == null ? 0 : q.get("scale").asDouble();
            for (int i = 0; i < n; i++) {
                values[i] = switch (width) {
                    case 1 -> (float) ((buffer.get() & 0xff) * scale + min);
                    case 2 -> (float) ((buffer.getShort() & 0xffff) * scale + min);
                    default -> buffer.getFloat();
                };
            }
            if (weights.put(name, values) != null) {
                throw new BadInputException(file, null, field, "weight named twice in the manifest");
            }
            shapes.put(name, shape);
        }
        if (buffer.hasRemaining()) {
            throw new BadInputException(file, null, "weightsManifest[" + g + "]", "the manifest reads "
                    + buffer.position() + " of the shards' " + data.length + " bytes");
        }
    }

    /** A shard's bytes: the plain file, else the base64 string its {@code .min.js} or {@code .js} module exports. */
    private static byte[] shard(Path model, String name) throws IOException {
        Path dir = model.toAbsolutePath().getParent();
        Path plain = dir.resolve(name);
        if (Files.isRegularFile(plain)) {
            return Files.readAllBytes(plain);
        }
        for (String suffix : List.of(".min.js", ".js")) {
            Path js = dir.resolve(name + suffix);
            if (Files.isRegularFile(js)) {
                String base64 = exportedString(js, Files.readString(js, StandardCharsets.UTF_8));
                try {
                    return Base64.getDecoder().decode(base64);
                } catch (IllegalArgumentException e) {
                    throw new BadInputException(js, null, null, "the exported string is not base64: " + e.getMessage());
                }
            }
        }
        throw new BadInputException(model, null, "weightsManifest.paths", "shard " + name + " not found beside it (nor "
                + name + ".min.js, " + name + ".js)");
    }

    private static JsonNode parseJson(Path file, String text) {
        try {
            return STRICT.readTree(text);
        } catch (JsonProcessingException e) {
            throw new BadInputException(file, "line " + e.getLocation().getLineNr(), null, "not JSON: " + e.getOriginalMessage());
        }
    }

    /** The object literal a UMD/CommonJS module exports, parsed as JSON after undoing the minifier's {@code !0}/{@code !1}. */
    static JsonNode exportedObject(Path file, String js) {
        int start = exportStart(file, js, '{');
        StringBuilder json = new StringBuilder();
        int depth = 0;
        int i = start;
        for (; i < js.length(); i++) {
            char c = js.charAt(i);
            if (c == '"' || c == '\'') {
                int end = stringEnd(file, js, i);
                json.append(js, i, end + 1);
                i = end;
                continue;
            }
            if (c == '!' && i + 1 < js.length() && (js.charAt(i + 1) == '0' || js.charAt(i + 1) == '1')) {
                json.append(js.charAt(i + 1) == '0' ? "true" : "false");
                i++;
                continue;
            }
            if (c == '-' && i + 1 < js.length() && js.charAt(i + 1) == '.') {
                json.append("-0"); // JSON readers take .5 with a feature flag, but not -.5
                continue;
            }
            if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
            }
            json.append(c);
            if (depth == 0) {
                break;
            }
        }
        if (depth != 0) {
            throw new BadInputException(file, null, null, "the exported object literal is not closed");
        }
        try {
            return LITERAL.readTree(json.toString());
        } catch (JsonProcessingException e) {
            throw new BadInputException(file, "character " + (start + e.getLocation().getCharOffset()), null,
                    "the exported object is not a plain data literal: " + e.getOriginalMessage());
        }
    }

    /** The string literal a module exports (a shard's base64). */
    static String exportedString(Path file, String js) {
        int start = exportStart(file, js, '"');
        int end = stringEnd(file, js, start);
        String body = js.substring(start + 1, end);
        if (body.indexOf('\\') >= 0) {
            throw new BadInputException(file, "character " + start, null, "escapes in an exported base64 string are not read");
        }
        return body;
    }

    private static int exportStart(Path file, String js, char kind) {
        Matcher m = EXPORTS.matcher(js);
        while (m.find()) {
            char c = m.group(1).charAt(0);
            if (c == kind || (kind == '"' && c == '\'')) {
                return m.start(1);
            }
        }
        throw new BadInputException(file, null, null, kind == '{' ? "no module.exports = {...} (not a wrapped TF.js model)"
                : "no module.exports = \"...\" (not a wrapped TF.js weight shard)");
    }

    private static int stringEnd(Path file, String js, int open) {
        char quote = js.charAt(open);
        for (int i = open + 1; i < js.length(); i++) {
            char c = js.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == quote) {
                return i;
            }
        }
        throw new BadInputException(file, "character " + open, null, "string literal not closed");
    }

    private static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

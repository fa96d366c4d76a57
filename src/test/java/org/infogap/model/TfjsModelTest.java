package org.infogap.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.infogap.data.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

class TfjsModelTest {

    @TempDir
    Path dir;

    /** A float32 kernel [2, 3] and a uint8-quantised bias [3] (min -1, scale 0.5: 0, 1, 4 -> -1, -0.5, 1). */
    static final float[] KERNEL = {0.5f, -1.25f, 2f, 3.5f, -0.125f, 0f};
    static final byte[] BIAS_Q = {0, 1, 4};
    static final float[] BIAS = {-1f, -0.5f, 1f};

    static byte[] shardBytes() {
        ByteBuffer b = ByteBuffer.allocate(KERNEL.length * 4 + BIAS_Q.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : KERNEL) {
            b.putFloat(f);
        }
        b.put(BIAS_Q);
        return b.array();
    }

    static final String TOPOLOGY = "{\"keras_version\":\"2.2.4\",\"model_config\":{\"class_name\":\"Model\",\"config\":"
            + "{\"layers\":[{\"name\":\"dense_1\",\"class_name\":\"Dense\",\"config\":{\"name\":\"dense_1\",\"trainable\":false,"
            + "\"units\":3,\"activation\":\"softmax\"}}]}}}";

    static String manifest(String path, String quantDtype) {
        return "[{\"paths\":[\"" + path + "\"],\"weights\":[{\"name\":\"dense_1/kernel\",\"shape\":[2,3],\"dtype\":\"float32\"},"
                + "{\"name\":\"dense_1/bias\",\"shape\":[3],\"dtype\":\"float32\",\"quantization\":{\"min\":-1,\"scale\":0.5,"
                + "\"dtype\":\"" + quantDtype + "\"}}]}]";
    }

    @Test
    void readsPlainFilesAndTheWrappedModulesNpmPackagesShipAlike() throws Exception {
        Path plain = Files.createDirectories(dir.resolve("plain"));
        Files.writeString(plain.resolve("model.json"), "{\"modelTopology\":" + TOPOLOGY + ",\"weightsManifest\":"
                + manifest("group1-shard1of1.bin", "uint8") + "}");
        Files.write(plain.resolve("group1-shard1of1.bin"), shardBytes());

        // as browserify + a minifier write them: UMD prelude, unquoted keys, !1 for false, .5 and -1 numbers
        Path wrapped = Files.createDirectories(dir.resolve("wrapped"));
        String umd = "!function(a){if(\"object\"==typeof exports&&\"undefined\"!=typeof module)module.exports=a();else"
                + "{(\"undefined\"!=typeof window?window:this).model=a()}}(function(){return function a(n,i,e){return i}"
                + "({1:[function(a,n,i){n.exports=%s},{}]},{},[1])(1)});";
        String literal = "{modelTopology:{keras_version:\"2.2.4\",model_config:{class_name:\"Model\",config:{layers:[{name:"
                + "\"dense_1\",class_name:\"Dense\",config:{name:\"dense_1\",trainable:!1,units:3,activation:\"softmax\"}}]}}},"
                + "weightsManifest:[{paths:[\"group1-shard1of1\"],weights:[{name:\"dense_1/kernel\",shape:[2,3],dtype:\"float32\"},"
                + "{name:\"dense_1/bias\",shape:[3],dtype:\"float32\",quantization:{min:-1,scale:.5,dtype:\"uint8\"}}]}]}";
        Files.writeString(wrapped.resolve("model.min.js"), String.format(umd, literal));
        Files.writeString(wrapped.resolve("group1-shard1of1.min.js"),
                String.format(umd, "\"" + Base64.getEncoder().encodeToString(shardBytes()) + "\""));

        TfjsModel a = TfjsModel.read(plain);
        TfjsModel b = TfjsModel.read(wrapped.resolve("model.min.js"));
        for (TfjsModel m : List.of(a, b)) {
            assertArrayEquals(KERNEL, m.weights().get("dense_1/kernel"));
            assertArrayEquals(BIAS, m.weights().get("dense_1/bias"), 1e-7f, "q * scale + min");
            assertArrayEquals(new long[] {2, 3}, m.shape("dense_1/kernel"));
            assertEquals(List.of("dense_1"), m.frozenLayers());
        }
        assertEquals(a.sha256(), b.sha256(), "same content, same digest, whatever the wrapper");

        // written back as plain files it keeps its bytes, so its digest and values
        a.write(dir.resolve("copy"));
        TfjsModel c = TfjsModel.read(dir.resolve("copy"));
        assertEquals(a.sha256(), c.sha256());
        assertArrayEquals(BIAS, c.weights().get("dense_1/bias"), 1e-7f);
        INDArray probabilities = ImageWeights.denseTop(c).apply(org.nd4j.linalg.factory.Nd4j.createFromArray(new float[][] {{1, 0}}));
        assertEquals(1.0, probabilities.sumNumber().doubleValue(), 1e-6, "softmax top");
    }

    @Test
    void badFilesAreRefusedNamingTheFileAndTheWeight() throws Exception {
        Path m = Files.createDirectories(dir.resolve("m"));
        Files.writeString(m.resolve("model.json"), "{\"modelTopology\":" + TOPOLOGY + ",\"weightsManifest\":"
                + manifest("shard.bin", "uint8") + "}");
        BadInputException missing = assertThrows(BadInputException.class, () -> TfjsModel.read(m));
        assertTrue(missing.getMessage().contains("shard shard.bin not found"), missing.getMessage());
        assertTrue(missing.getMessage().contains("model.json"), missing.getMessage());

        Files.write(m.resolve("shard.bin"), java.util.Arrays.copyOf(shardBytes(), 20));
        BadInputException shortShard = assertThrows(BadInputException.class, () -> TfjsModel.read(m));
        assertTrue(shortShard.getMessage().contains("dense_1/kernel"), shortShard.getMessage());

        Files.write(m.resolve("shard.bin"), shardBytes());
        Files.writeString(m.resolve("model.json"), "{\"modelTopology\":" + TOPOLOGY + ",\"weightsManifest\":"
                + manifest("shard.bin", "float16") + "}");
        BadInputException f16 = assertThrows(BadInputException.class, () -> TfjsModel.read(m));
        assertTrue(f16.getMessage().contains("dense_1/bias") && f16.getMessage().contains("float16"), f16.getMessage());

        Files.writeString(m.resolve("model.json"), "{\"weightsManifest\": []}");
        assertTrue(assertThrows(BadInputException.class, () -> TfjsModel.read(m)).getMessage().contains("modelTopology"));
        assertTrue(assertThrows(BadInputException.class, () -> TfjsModel.read(dir.resolve("nothing")))
                .getMessage().contains("no such"));
        Path js = Files.writeString(dir.resolve("model.min.js"), "console.log('hello')");
        assertTrue(assertThrows(BadInputException.class, () -> TfjsModel.read(js)).getMessage().contains("module.exports"));
    }

    @Test
    void inceptionWeightsLoadByKerasLayerNameWithKernelsTransposedAndShapesChecked() throws Exception {
        ComputationGraph from = InceptionV3.withoutTop(InceptionV3.MIN_SIZE, 5).init();
        Path model = Files.createDirectories(dir.resolve("iv3"));
        writeTfjs(from, model, false);
        ComputationGraph to = InceptionV3.withoutTop(InceptionV3.MIN_SIZE, 9).init();
        ImageWeights.Source source = ImageWeights.load(to, model);
        for (Layer layer : from.getLayers()) {
            String name = layer.getConfig().getLayerName();
            for (String p : List.of("W", "beta", "mean", "var")) {
                if (layer.paramTable().containsKey(p)) {
                    assertEquals(layer.getParam(p), to.getLayer(name).getParam(p), name + "." + p);
                }
            }
        }
        assertEquals(ImageWeights.Input.KERAS, source.input(), "not nsfwjs: Keras's [-1, 1]");
        assertTrue(source.idPart().startsWith("tfjs-"), source.idPart());
        assertEquals("conv2d_1..3", source.provenance().path("frozen_convolutions").asText());

        writeTfjs(from, model, true);
        BadInputException e = assertThrows(BadInputException.class, () -> ImageWeights.load(to, model));
        assertTrue(e.getMessage().contains("conv2d_7/kernel") && e.getMessage().contains("does not fit"), e.getMessage());
    }

    /** Our graph as Keras would save it to TF.js: [h, w, in, out] kernels, no gamma; conv2d_7 mis-shaped when asked. */
    static void writeTfjs(ComputationGraph graph, Path dir, boolean breakOne) throws Exception {
        StringBuilder specs = new StringBuilder();
        StringBuilder layers = new StringBuilder();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (Layer layer : graph.getLayers()) {
            String name = layer.getConfig().getLayerName();
            if (name.startsWith("conv2d_")) {
                INDArray w = layer.getParam("W").permute(2, 3, 1, 0).dup('c');
                if (breakOne && name.equals("conv2d_7")) {
                    w = w.reshape('c', w.size(0), w.size(1), w.size(2) * w.size(3), 1);
                }
                add(specs, bytes, name + "/kernel", w);
                int k = Integer.parseInt(name.substring("conv2d_".length()));
                layers.append(layers.length() > 0 ? "," : "").append("{\"name\":\"").append(name)
                        .append("\",\"class_name\":\"Conv2D\",\"config\":{\"trainable\":").append(k > 3).append("}}");
            } else if (name.startsWith("batch_normalization_")) {
                add(specs, bytes, name + "/beta", layer.getParam("beta"));
                add(specs, bytes, name + "/moving_mean", layer.getParam("mean"));
                add(specs, bytes, name + "/moving_variance", layer.getParam("var"));
            }
        }
        Files.write(dir.resolve("weights.bin"), bytes.toByteArray());
        Files.writeString(dir.resolve("model.json"), "{\"modelTopology\":{\"model_config\":{\"config\":{\"layers\":["
                + layers + "]}}},\"weightsManifest\":[{\"paths\":[\"weights.bin\"],\"weights\":[" + specs + "]}]}");
    }

    private static void add(StringBuilder specs, ByteArrayOutputStream bytes, String name, INDArray value) {
        float[] v = value.dup('c').reshape(-1).toFloatVector();
        long[] shape = value.rank() == 2 && value.size(0) == 1 ? new long[] {value.size(1)} : value.shape();
        specs.append(specs.length() > 0 ? "," : "").append("{\"name\":\"").append(name).append("\",\"shape\":")
                .append(java.util.Arrays.toString(shape)).append(",\"dtype\":\"float32\"}");
        ByteBuffer b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        bytes.writeBytes(b.array());
    }
}

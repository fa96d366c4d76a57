package org.infogap.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.infogap.data.BadInputException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

class InceptionV3Test {

    /** One gamma per batch-normalised channel: Keras's BN here has scale=False, DL4J's always has gamma. */
    static final long BN_CHANNELS = 17_216;

    @TempDir
    Path dir;

    @Test
    void parameterCountsAreKerassPlusOneGammaPerBatchNormChannel() {
        ComputationGraph top = InceptionV3.withTop(InceptionV3.IMAGENET_CLASSES, InceptionV3.KERAS_SIZE, 1).init();
        assertEquals(23_851_784L + BN_CHANNELS, top.numParams());
        ComputationGraph noTop = InceptionV3.withoutTop(InceptionV3.KERAS_SIZE, 1).init();
        assertEquals(21_802_784L + BN_CHANNELS, noTop.numParams());
        assertEquals(94, java.util.Arrays.stream(noTop.getLayers())
                .filter(l -> l.getConfig().getLayerName().startsWith("batch_normalization_"))
                .mapToLong(l -> l.getParam("gamma").length()).count());
        long gammas = java.util.Arrays.stream(noTop.getLayers())
                .filter(l -> l.getConfig().getLayerName().startsWith("batch_normalization_"))
                .mapToLong(l -> l.getParam("gamma").length()).sum();
        assertEquals(BN_CHANNELS, gammas);
    }

    @Test
    void pooledFeaturesAre2048ForKerasAndPaperSizes() {
        for (int size : new int[] {InceptionV3.KERAS_SIZE, 300}) {
            ComputationGraph graph = InceptionV3.withoutTop(size, 1).init();
            INDArray out = graph.outputSingle(Nd4j.rand(1, 3, size, size).muli(2).subi(1));
            assertArrayEquals(new long[] {1, InceptionV3.FEATURES}, out.shape(), "size " + size);
        }
    }

    @Test
    void theGridEncoderAddsTheMixed7CellsAfterThePooledFeatures() throws IOException {
        java.awt.image.BufferedImage image = org.infogap.testing.TestImages.halves(160, 160);
        for (int size : new int[] {75, 160}) {
            ImageEncoder pooled = ImageEncoder.create(size, null, 42);
            ImageEncoder grid = ImageEncoder.create(size, null, 42, "mixed7", InceptionV3.LAST_BLOCK);
            assertEquals(pooled.id() + "-mixed7", grid.id(), "the cache never mixes the two");
            float[] p = pooled.features(java.util.List.of(image)).get(0);
            float[] g = grid.features(java.util.List.of(image)).get(0);
            assertEquals(InceptionV3.FEATURES, p.length);
            assertEquals(grid.featureLength(), g.length);
            assertArrayEquals(p, java.util.Arrays.copyOf(g, InceptionV3.FEATURES), 1e-5f, "same pooled features");
            // cell-major: the left half of the image (red) and the right (blue) differ in the first and last cell
            int cells = ImageEncoder.gridCells(size);
            float[] first = java.util.Arrays.copyOfRange(g, InceptionV3.FEATURES, InceptionV3.FEATURES + InceptionV3.GRID_CHANNELS);
            float[] last = java.util.Arrays.copyOfRange(g, g.length - InceptionV3.GRID_CHANNELS, g.length);
            assertTrue(Nd4j.createFromArray(first).distance2(Nd4j.createFromArray(last)) > 0, "cells differ, size " + size);
            assertEquals(size == 75 ? 9 : 64, cells);
        }
        assertEquals(17 * 17, ImageEncoder.gridCells(InceptionV3.KERAS_SIZE));
    }

    @Test
    void featuresOfEarlierBlocksAverageOrListTheirMapsAndNameThemInTheId() throws IOException {
        java.awt.image.BufferedImage image = org.infogap.testing.TestImages.halves(75, 75);
        ImageEncoder last = ImageEncoder.create(75, null, 42);
        ImageEncoder mixed5 = ImageEncoder.create(75, null, 42, null, "mixed5");
        ImageEncoder mixed5Grid = ImageEncoder.create(75, null, 42, "mixed7", "mixed5");
        ImageEncoder bothMixed5 = ImageEncoder.create(75, null, 42, "mixed5", "mixed5");
        ImageEncoder mixed4Grid = ImageEncoder.create(75, null, 42, "mixed4", "mixed6");
        assertEquals(last.id() + "-pool_mixed5", mixed5.id(), "the cache never mixes two layers' features");
        assertEquals(mixed5.id() + "-mixed7", mixed5Grid.id());
        assertEquals(mixed5.id() + "-mixed5", bothMixed5.id());
        float[] f = mixed5.features(java.util.List.of(image)).get(0);
        assertEquals(768, f.length);
        assertEquals(768 + 9 * InceptionV3.GRID_CHANNELS, mixed5Grid.featureLength());
        assertArrayEquals(f, java.util.Arrays.copyOf(mixed5Grid.features(java.util.List.of(image)).get(0), 768), 1e-5f);
        // means and cells of the maps of the same (folded) graph run to its end: stopping early changes nothing
        ComputationGraph folded = InceptionV3.foldBatchNorm(InceptionV3.withoutTop(75, 42).init(), 75);
        java.util.Map<String, INDArray> maps = folded.feedForward(Nd4j.create(ImageTensors.inceptionInput(image), 1, 3, 75, 75), false);
        assertArrayEquals(maps.get("mixed5").mean(2, 3).toFloatVector(), f, 1e-4f);
        float[] both = bothMixed5.features(java.util.List.of(image)).get(0);
        assertArrayEquals(f, java.util.Arrays.copyOf(both, 768), 1e-5f);
        assertArrayEquals(cellMajor(maps.get("mixed5")), java.util.Arrays.copyOfRange(both, 768, both.length), 1e-4f,
                "the grid is mixed5's map, cell by cell");
        float[] g4 = mixed4Grid.features(java.util.List.of(image)).get(0);
        assertArrayEquals(maps.get("mixed6").mean(2, 3).toFloatVector(), java.util.Arrays.copyOf(g4, 768), 1e-4f,
                "pooled from the deeper block, the grid from the earlier one");
        assertArrayEquals(cellMajor(maps.get("mixed4")), java.util.Arrays.copyOfRange(g4, 768, g4.length), 1e-4f);
    }

    private static float[] cellMajor(INDArray map) {
        return map.reshape(map.size(1), -1).transpose().dup('c').reshape(-1).toFloatVector();
    }

    @Test
    void theGridLayerIsASettingOfTheSeventeenBySeventeenStageOldBundlesReadAsMixed7() throws IOException {
        assertEquals("mixed5", ModelConfig.generated().matchHead().grid());
        com.fasterxml.jackson.databind.node.ObjectNode old = (com.fasterxml.jackson.databind.node.ObjectNode)
                org.infogap.io.Json.mapper().valueToTree(FlatConfig.of(ModelConfig.generated()));
        old.remove("gridLayer");
        assertEquals("mixed7", ModelConfig.fromJson(old.toString()).matchHead().grid(), "a bundle from before the setting");
        for (String wrong : new String[] {"mixed2", "mixed8", "conv2d_5"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> ModelConfig.generated().with(java.util.Map.of("gridLayer", wrong)));
            assertTrue(e.getMessage().contains("mixed3..mixed7"), e.getMessage());
        }
    }

    @Test
    void thePooledLayerIsASettingOldBundlesReadAsMixed10() throws IOException {
        assertEquals("mixed10", ModelConfig.paper().image().layer(), "the paper pools InceptionV3's last block");
        assertEquals(2048, ModelConfig.paper().imageFeatures());
        assertEquals("mixed5", ModelConfig.generated().image().layer());
        assertEquals(768, ModelConfig.generated().imageFeatures());
        com.fasterxml.jackson.databind.node.ObjectNode old = (com.fasterxml.jackson.databind.node.ObjectNode)
                org.infogap.io.Json.mapper().valueToTree(FlatConfig.of(ModelConfig.generated()));
        old.remove("imageLayer");
        assertEquals("mixed10", ModelConfig.fromJson(old.toString()).image().layer(), "a bundle from before the setting");
        assertEquals("mixed10", ModelConfig.generated().with(java.util.Map.of("fineTuneImage", "true", "matchGrid", "false")).image().layer(),
                "end-to-end training trains up to avg_pool");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> ModelConfig.generated().with(java.util.Map.of("imageLayer", "conv2d_5")));
        assertTrue(e.getMessage().contains("mixed0..mixed10"), e.getMessage());
    }

    @Test
    void foldingBatchNormKeepsTheOutputsAndDropsTheLayers() {
        ComputationGraph trained = InceptionV3.withoutTop(InceptionV3.MIN_SIZE, 7).init();
        // batch norm as after training: statistics and affine parameters far from the identity
        Nd4j.getRandom().setSeed(3);
        for (org.deeplearning4j.nn.api.Layer layer : trained.getLayers()) {
            if (layer.conf().getLayer().getLayerName().startsWith("batch_normalization_")) {
                long c = layer.getParam("mean").length();
                layer.setParam("gamma", Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, c).addi(0.5));
                layer.setParam("beta", Nd4j.randn(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, c).muli(0.3));
                layer.setParam("mean", Nd4j.randn(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, c).muli(0.2));
                layer.setParam("var", Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, c).addi(0.5));
            }
        }
        ComputationGraph folded = InceptionV3.foldBatchNorm(trained, InceptionV3.MIN_SIZE);
        INDArray x = Nd4j.rand(2, 3, InceptionV3.MIN_SIZE, InceptionV3.MIN_SIZE).subi(0.5).muli(2);
        INDArray expected = trained.outputSingle(false, x);
        INDArray actual = folded.outputSingle(false, x);
        assertEquals(2048, actual.size(1));
        double scale = expected.norm2Number().doubleValue() / Math.sqrt(expected.length());
        assertTrue(scale > 0, "the pooled features are not all zero");
        double maxDiff = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(maxDiff < 1e-3 * Math.max(1, scale), "max difference " + maxDiff + " at feature scale " + scale);
        assertEquals(94 * 3, trained.getLayers().length - folded.getLayers().length + 94,
                "each conv2d_bn becomes one layer: 94 batch norms and 94 activations gone");
    }

    @Test
    void convolutionsRunThroughTheOneDnnHelperAndAgreeWithDl4jsOwnLayers() {
        // the test launcher chose the build, as Main does (NativeBuildSelection); on x86-64 CPUs with AVX2 it has oneDNN
        NativeBuild.Build build = NativeBuild.chosen().build();
        org.junit.jupiter.api.Assumptions.assumeTrue(
                build == NativeBuild.Build.ONEDNN || build == NativeBuild.Build.ONEDNN_AVX512,
                "the " + build.id() + " build has no oneDNN helper");
        // a layer's helper is chosen when the graph is initialised, by the property's value then
        ComputationGraph builtIn;
        System.setProperty(InceptionV3.HELPERS_DISABLE, "true");
        try {
            builtIn = InceptionV3.withoutTop(InceptionV3.MIN_SIZE, 7).init();
        } finally {
            System.setProperty(InceptionV3.HELPERS_DISABLE, "false");
        }
        ComputationGraph helped = InceptionV3.withoutTop(InceptionV3.MIN_SIZE, 7).init();
        assertEquals(null, ((org.deeplearning4j.nn.layers.convolution.ConvolutionLayer) builtIn.getLayer("conv2d_1")).getHelper());
        assertTrue(((org.deeplearning4j.nn.layers.convolution.ConvolutionLayer) helped.getLayer("conv2d_1")).getHelper()
                instanceof org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper, "conv2d_1 should run through oneDNN");
        helped.setParams(builtIn.params());
        INDArray x = Nd4j.rand(2, 3, InceptionV3.MIN_SIZE, InceptionV3.MIN_SIZE).subi(0.5).muli(2);
        INDArray expected = builtIn.outputSingle(false, x);
        INDArray actual = helped.outputSingle(false, x);
        double scale = expected.norm2Number().doubleValue() / Math.sqrt(expected.length());
        assertTrue(scale > 0);
        double maxDiff = expected.sub(actual).amaxNumber().doubleValue();
        assertTrue(maxDiff < 1e-3 * scale, "max difference " + maxDiff + " at feature scale " + scale);
    }

    @Test
    void refusesImagesSmallerThanTheGridReductionsAllow() {
        assertThrows(IllegalArgumentException.class, () -> InceptionV3.withoutTop(64, 1));
    }

    @Test
    void loadsKerasWeightsByLayerOrderWithKernelsTransposed() throws IOException {
        Path h5 = dir.resolve("inception_v3_pattern_notop.h5");
        try (InputStream in = new GZIPInputStream(getClass().getResourceAsStream("/keras/inception_v3_pattern_notop.h5.gz"))) {
            Files.copy(in, h5);
        }
        ComputationGraph graph = InceptionV3.withoutTop(InceptionV3.MIN_SIZE, 1).init();
        KerasWeights.Loaded loaded = KerasWeights.load(graph, h5);
        assertEquals(94, loaded.convolutions());
        assertEquals(94, loaded.batchNorms());
        // fixture: conv2d_k kernel[h, w, i, o] = k + o/1000 (+ i/1e6 for k = 1); DL4J W is [o, i, h, w]
        INDArray w1 = graph.getLayer("conv2d_1").getParam("W");
        assertArrayEquals(new long[] {32, 3, 3, 3}, w1.shape());
        assertEquals(1 + 5 / 1000.0 + 2 / 1e6, w1.getDouble(5, 2, 1, 0), 1e-6);
        INDArray w94 = graph.getLayer("conv2d_94").getParam("W");
        assertArrayEquals(new long[] {192, 2048, 1, 1}, w94.shape());
        assertEquals(94 + 191 / 1000.0, w94.getDouble(191, 7, 0, 0), 1e-4);
        // mixed4's 1x7 and 7x1 kernels are told apart by shape, not only by size
        assertArrayEquals(new long[] {128, 128, 1, 7}, graph.getLayer("conv2d_33").getParam("W").shape());
        assertArrayEquals(new long[] {192, 128, 7, 1}, graph.getLayer("conv2d_34").getParam("W").shape());
        var bn = graph.getLayer("batch_normalization_40");
        assertEquals(40 + 3 / 1000.0, bn.getParam("beta").getDouble(3), 1e-5);
        assertEquals(-40, bn.getParam("mean").getDouble(0), 1e-6);
        assertEquals(40, bn.getParam("var").getDouble(0), 1e-6);
        assertEquals(1, bn.getParam("gamma").getDouble(0), 0);
        INDArray out = graph.outputSingle(Nd4j.rand(1, 3, InceptionV3.MIN_SIZE, InceptionV3.MIN_SIZE));
        assertTrue(out.isMatrix() && out.columns() == InceptionV3.FEATURES);
    }

    @Test
    void aWeightsFileOfAnotherNetworkIsRefusedNamingIt() throws IOException {
        Path notH5 = Files.writeString(dir.resolve("weights.h5"), "not hdf5");
        ComputationGraph graph = InceptionV3.withoutTop(InceptionV3.MIN_SIZE, 1).init();
        BadInputException e = assertThrows(BadInputException.class, () -> KerasWeights.load(graph, notH5));
        assertTrue(e.getMessage().contains("weights.h5"), e.getMessage());
    }
}

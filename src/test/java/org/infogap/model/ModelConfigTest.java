package org.infogap.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelConfigTest {

    /** Henning & Ewerth, section 5.1 (seed 001): the settings the paper states. */
    @Test
    void thePaperPresetIsThePapersNetworkAsTheyTrainedIt() {
        ModelConfig p = ModelConfig.paper();
        assertEquals(ModelConfig.SGD, p.training().optimizer());
        assertEquals(0.1, p.training().learningRate(), "initial learning rate 0.1");
        assertEquals(0.5, p.training().lrDecay(), "halved after every sweep through the training set");
        assertEquals(16, p.training().batchSize());
        assertEquals(300, p.image().size(), "images scaled to 300 x 300");
        assertEquals(InceptionV3.LAST_BLOCK, p.image().layer(), "InceptionV3's pooled output");
        assertEquals(300, p.text().wordDim());
        assertEquals(600, p.text().sentenceDim());
        assertEquals(600, p.image().dim());
        assertEquals(2400, p.text().articleDim());
        assertEquals(50, p.text().maxSentences());
        assertEquals(40, p.text().maxTokens());
        assertEquals(0.7, p.training().keepEncoder());
        assertEquals(0.9, p.training().keepDecoder());
        assertEquals(0.0, p.training().weightDecay());
        assertTrue(p.training().fineTuneEncoder(), "the classifier starts from the autoencoder and trains it on");
        assertEquals(List.of(), p.components().names(), "no addition to the paper's network");
    }

    @Test
    void presetsListTheirComponents() {
        assertEquals(List.of("matchHead", "sentenceCounts"), ModelConfig.generated().components().names(),
                "word whitening lost its place in the ablation");
        assertEquals(new org.infogap.model.SentenceCounts.Settings(32, true, false), ModelConfig.generated().sentenceCounts(),
                "coverage lost its place in the ablation");
        assertEquals(List.of("matchHead", "sentenceCounts", "mismatchedPairs", "ensemble"), ModelConfig.real().components().names(),
                "what made the classifier read real pictures, and read them better");
        assertEquals(0.1, ModelConfig.real().mismatchedPairs().share());
        assertEquals(3, ModelConfig.real().ensemble().members());
        assertEquals(ModelConfig.generated(),
                ModelConfig.real().withComponents(ModelConfig.real().components().withMismatchedPairs(null).withEnsemble(null)),
                "otherwise the generated preset");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelConfig.preset("large"));
        assertTrue(e.getMessage().contains("paper, generated, real or small"), e.getMessage());
    }

    @Test
    void smallIsTheFormerDefaultSettingBySetting() throws Exception {
        // the default's flat config as version 1 (1f093ce) wrote it into every bundle, before the ablation
        String v1 = """
                {"imageSize":160,"imageDim":64,"wordDim":300,"sentenceDim":64,"textDim":64,"articleDim":256,
                 "maxSentences":20,"maxTokens":18,"thumbnail":6,"cosineScale":10.0,"classifierHidden":64,
                 "keepEncoder":0.7,"keepDecoder":0.9,"learningRate":0.002,"lrDecay":0.95,"batchSize":16,
                 "clipNorm":5.0,"aeEpochs":4,"classifierEpochs":8,"fineTuneEncoder":true,"seed":42,
                 "weightDecay":0.0,"optimizer":"adam","fineTuneImage":false,"imageLrScale":0.01,"matchWeight":1.0,
                 "whitenWords":true,"matchGrid":true,"matchCaptions":true,"sentenceCounts":true,"matchEpochs":2,
                 "matchBag":true,"visualWords":true,"countsHidden":32,"countsCoverage":true,"imageLayer":"mixed5",
                 "gridLayer":"mixed5"}""";
        assertEquals(ModelConfig.fromJson(v1), ModelConfig.preset("small"));
        assertEquals(List.of("matchHead", "sentenceCounts", "wordWhitening"), ModelConfig.small().components().names());
    }

    @Test
    void everyPresetSurvivesItsFlatNamesAndItsJson() throws Exception {
        for (ModelConfig c : List.of(ModelConfig.paper(), ModelConfig.generated(), ModelConfig.real(), ModelConfig.small())) {
            assertEquals(c, FlatConfig.of(c).toConfig());
            assertEquals(c, ModelConfig.fromJson(c.toJson()));
            ModelConfig pooled = c.with(Map.of("matchGrid", "false"));
            assertEquals(pooled, ModelConfig.fromJson(pooled.toJson()), "a head on pooled features: grid null");
            assertEquals(List.of(), c.differences(c.with(Map.of()), java.util.Set.of()));
        }
    }

    @Test
    void flatOverridesTurnComponentsOnAndOff() {
        ModelConfig g = ModelConfig.generated();
        ModelConfig noCounts = g.with(Map.of("sentenceCounts", "false"));
        assertNull(noCounts.sentenceCounts());
        assertEquals(g.matchHead(), noCounts.matchHead());
        ModelConfig none = g.with(Map.of("matchWeight", "0", "whitenWords", "false"));
        assertEquals(List.of(), none.components().names(), "no match head, so no counts either, as version 1 read it");
        ModelConfig paperWithHead = ModelConfig.paper().with(Map.of("matchWeight", "0.5"));
        assertEquals(new MatchHead.Settings(0.5, null, false, 0, false), paperWithHead.matchHead());
        assertEquals(List.of("matchWeight: 1.0 -> 0.5"), g.differences(g.with(Map.of("matchWeight", "0.5")), java.util.Set.of()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> g.with(Map.of("batchSise", "8")));
        assertTrue(e.getMessage().contains("unknown setting 'batchSise'"), e.getMessage());
    }
}

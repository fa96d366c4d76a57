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
        assertEquals(List.of("matchHead", "sentenceCounts", "wordWhitening"), ModelConfig.generated().components().names());
        assertEquals(new org.infogap.model.SentenceCounts.Settings(32, true, false), ModelConfig.generated().sentenceCounts(),
                "coverage lost its place in the ablation");
        assertEquals(List.of("matchHead", "wordWhitening"), ModelConfig.real().components().names());
        assertEquals(ModelConfig.generated(), ModelConfig.preset("small"), "the former name still works");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ModelConfig.preset("large"));
        assertTrue(e.getMessage().contains("paper, generated or real"), e.getMessage());
    }

    @Test
    void everyPresetSurvivesItsFlatNamesAndItsJson() throws Exception {
        for (ModelConfig c : List.of(ModelConfig.paper(), ModelConfig.generated(), ModelConfig.real())) {
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

package org.infogap.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.infogap.model.ModelConfig;
import org.junit.jupiter.api.Test;

class AblationReportTest {

    @Test
    void theVariantsAreThePapersClassifierEachComponentAloneAllLessEachAndAllEachTrainedOnce() {
        // whitening on too: it shapes the autoencoder's input, so every variant keeps it
        ModelConfig all = ModelConfig.generated().with(java.util.Map.of("countsCoverage", "true", "whitenWords", "true"));
        List<AblationReport.Variant> v = AblationReport.variants(all);
        assertEquals(List.of("paper's classifier", "+ matchHead", "+ sentenceCounts", "+ visualWords", "+ coverage", "all"),
                v.stream().map(AblationReport.Variant::name).toList());
        assertEquals(List.of("all - matchHead"), v.get(0).aliases(), "without the head there are no counts either");
        assertEquals(List.of("all - sentenceCounts"), v.get(1).aliases());
        assertEquals(List.of("all - coverage"), v.get(3).aliases());
        assertEquals(List.of("all - visualWords"), v.get(4).aliases());

        ModelConfig paper = v.get(0).config();
        assertEquals(List.of("wordWhitening"), paper.components().names(), "the autoencoder's word vectors stay as they were");
        assertEquals(all.text(), paper.text());
        assertEquals(all.training(), paper.training());
        ModelConfig counts = v.get(2).config();
        assertTrue(!counts.sentenceCounts().visualWords() && !counts.sentenceCounts().coverage());
        assertEquals(all.matchHead(), counts.matchHead());
        assertEquals(all, v.get(5).config());
        assertEquals(List.of("matchHead", "sentenceCounts", "visualWords", "wordWhitening"), AblationReport.describe(v.get(3).config()));
    }

    @Test
    void theGeneratedPresetsAllIsItsLastUnitAdded() {
        List<AblationReport.Variant> v = AblationReport.variants(ModelConfig.generated());
        assertEquals(List.of("paper's classifier", "+ matchHead", "+ sentenceCounts", "+ visualWords"),
                v.stream().map(AblationReport.Variant::name).toList());
        assertEquals(List.of("all - visualWords"), v.get(2).aliases());
        assertEquals(List.of("all"), v.get(3).aliases());
    }

    @Test
    void aConfigWithoutComponentsHasOneVariant() {
        List<AblationReport.Variant> v = AblationReport.variants(ModelConfig.paper());
        assertEquals(1, v.size(), "the paper's classifier, and all, which is the same");
        assertEquals(List.of("all"), v.get(0).aliases());
        assertNull(v.get(0).config().matchHead());
    }

    @Test
    void theBootstrapIntervalHoldsTheObservedDifferenceAndIsZeroWhenBothAgree() {
        int[] actual = new int[100];
        int[] mine = new int[100];
        int[] theirs = new int[100];
        for (int i = 0; i < 100; i++) {
            actual[i] = i % 5;
            mine[i] = i < 60 ? actual[i] : (actual[i] + 1) % 5; // 60 right
            theirs[i] = i < 50 ? actual[i] : (actual[i] + 1) % 5; // 50 right, a subset of mine
        }
        ObjectNode d = AblationReport.bootstrap(actual, mine, theirs, 1);
        assertEquals(0.10, d.path("accuracy_difference").asDouble(), 1e-12);
        assertTrue(d.path("low").asDouble() > 0 && d.path("low").asDouble() < 0.10, d.toString());
        assertTrue(d.path("high").asDouble() > 0.10 && d.path("high").asDouble() < 0.2, d.toString());
        ObjectNode same = AblationReport.bootstrap(actual, mine, mine, 1);
        assertEquals(0.0, same.path("low").asDouble());
        assertEquals(0.0, same.path("high").asDouble());
    }
}

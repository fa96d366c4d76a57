package org.infogap.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.junit.jupiter.api.Test;

class OrdinalLossTest {

    private static double emd(float[][] probabilities, float[][] labels) {
        SameDiff sd = SameDiff.create();
        SDVariable p = sd.placeHolder("p", DataType.FLOAT, -1, 5);
        SDVariable y = sd.placeHolder("y", DataType.FLOAT, -1, 5);
        OrdinalLoss.loss(sd, "emd", p, y, 5);
        Map<String, INDArray> out = sd.output(Map.of("p", Nd4j.createFromArray(probabilities), "y",
                Nd4j.createFromArray(labels)), "emd");
        return out.get("emd").getDouble(0);
    }

    private static float[] level(int i) {
        float[] v = new float[5];
        v[i] = 1;
        return v;
    }

    @Test
    void aWrongLevelCostsOneCutPerLevelItIsAway() {
        assertEquals(0, emd(new float[][] {level(2)}, new float[][] {level(2)}), 1e-5);
        assertEquals(1, emd(new float[][] {level(3)}, new float[][] {level(4)}), 1e-5, "CMI 1 as 0.75: one cut");
        assertEquals(4, emd(new float[][] {level(0)}, new float[][] {level(4)}), 1e-5, "CMI 1 as 0: four");
        // cumulative 0.2, 0.4, 0.6, 0.8 against 0, 0, 1, 1: 0.04 + 0.16 + 0.16 + 0.04
        float[] uniform = {0.2f, 0.2f, 0.2f, 0.2f, 0.2f};
        assertEquals(0.4, emd(new float[][] {uniform}, new float[][] {level(2)}), 1e-5);
    }

    @Test
    void theBatchMeanLeavesOutPairsWhoseLevelIsUnknown() {
        assertEquals(2, emd(new float[][] {level(3), level(1)}, new float[][] {level(4), level(4)}), 1e-5, "(1 + 3) / 2");
        // a mismatched pair's SC row is all zero: it is neither a cost nor a pair of the mean
        assertEquals(1, emd(new float[][] {level(3), level(0)}, new float[][] {level(4), new float[5]}), 1e-5);
    }

    @Test
    void theClassifiersLossGainsBothHeadsTermsAtTheirWeight() {
        ModelConfig off = NetworksTest.tiny();
        ModelConfig on = off.with(Map.of("ordinalWeight", "0.5"));
        Random r = new Random(5);
        List<Example> batch = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            batch.add(NetworksTest.example(r, "p" + i, 2, on));
        }
        Classifier without = Classifier.create(off, NetworksTest.VECTORS);
        Classifier with = Classifier.create(on, NetworksTest.VECTORS);
        with.setParameters(without.parameters());
        Map<String, Double> a = without.losses(Feeds.classifier(batch, without, null));
        Map<String, Double> b = with.losses(Feeds.classifier(batch, with, null));
        double cmi = b.get(OrdinalLoss.CMI_LOSS);
        double sc = b.get(OrdinalLoss.SC_LOSS);
        assertTrue(cmi > 0 && sc > 0, cmi + ", " + sc);
        assertEquals(a.get(Classifier.LOSS) + 0.5 * (cmi + sc), b.get(Classifier.LOSS), 1e-4);
        assertEquals(a.get(Classifier.CMI_LOSS), b.get(Classifier.CMI_LOSS), 1e-6, "the cross-entropies are as they were");
    }

    @Test
    void theComponentIsASettingWithAFlatNameAndOldConfigsReadWithoutIt() throws Exception {
        ModelConfig on = ModelConfig.real().with(Map.of("ordinalWeight", "1"));
        assertEquals(1.0, on.ordinalLoss().weight());
        assertTrue(on.components().names().contains("ordinalLoss"));
        assertEquals(on, ModelConfig.fromJson(on.toJson()), "written and read back");
        assertEquals(List.of("ordinalWeight: 0.0 -> 1.0"), ModelConfig.real().differences(on, java.util.Set.of()));
        assertNull(ModelConfig.paper().ordinalLoss(), "not in the paper");
        assertNull(on.with(Map.of("ordinalWeight", "0")).ordinalLoss(), "0 turns it off");
        assertThrows(IllegalArgumentException.class, () -> ModelConfig.real().with(Map.of("ordinalWeight", "-1")));
        assertThrows(IllegalArgumentException.class, () -> new OrdinalLoss.Settings(Double.NaN));
    }
}

package org.infogap.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.junit.jupiter.api.Test;

class EnsembleTest {

    @Test
    void theComponentIsASettingWithAFlatNameAndOldConfigsReadWithoutIt() throws Exception {
        ModelConfig on = ModelConfig.generated().with(Map.of("ensembleMembers", "4"));
        assertEquals(4, on.ensemble().members());
        assertEquals(4, Ensemble.members(on));
        assertTrue(on.components().names().contains("ensemble"));
        assertEquals(on, ModelConfig.fromJson(on.toJson()), "written and read back");
        assertEquals(List.of("ensembleMembers: 1 -> 4"), ModelConfig.generated().differences(on, java.util.Set.of()));
        assertEquals(3, ModelConfig.real().ensemble().members(), "the real-data preset's");
        assertNull(ModelConfig.generated().ensemble(), "not in the default");
        assertNull(ModelConfig.paper().ensemble(), "not in the paper");
        assertEquals(1, Ensemble.members(ModelConfig.paper()));
        assertNull(on.with(Map.of("ensembleMembers", "1")).ensemble(), "1 is one classifier");
        assertThrows(IllegalArgumentException.class, () -> ModelConfig.generated().with(Map.of("ensembleMembers", "0")));
        IllegalArgumentException tuned = assertThrows(IllegalArgumentException.class,
                () -> on.with(Map.of("fineTuneImage", "true", "matchGrid", "false")));
        assertTrue(tuned.getMessage().contains("ensemble"), tuned.getMessage());
    }

    @Test
    void memberIIsTheSameConfigSeededSeedPlusIWithoutTheEnsemble() {
        ModelConfig on = ModelConfig.real();
        ModelConfig alone = on.with(Map.of("ensembleMembers", "1"));
        ModelConfig second = Ensemble.member(on, 2);
        assertEquals(on.training().seed() + 2, second.training().seed());
        assertNull(second.ensemble());
        assertEquals(alone, Ensemble.member(on, 0), "member 0 is the classifier trained alone");
        assertEquals(List.of("seed: 42 -> 44"), alone.differences(second, java.util.Set.of()));
    }

    @Test
    void aBundlesParametersHoldEveryMemberAndGiveEachBackUnderItsOwnNames() {
        Map<String, INDArray> first = new LinkedHashMap<>();
        first.put("enc/article/W", Nd4j.createFromArray(1f, 2f));
        first.put(Network.OPTIMIZER + "enc/article/W/m", Nd4j.createFromArray(9f, 9f));
        first.put(ImageTuner.PARAMS, Nd4j.createFromArray(5f));
        Map<String, INDArray> second = new LinkedHashMap<>();
        second.put("enc/article/W", Nd4j.createFromArray(3f, 4f));
        second.put(ImageTuner.PARAMS, Nd4j.createFromArray(5f));
        Map<String, INDArray> all = Ensemble.combine(List.of(first, second));
        assertEquals(List.of("enc/article/W", ImageTuner.PARAMS, "member1/enc/article/W"), List.copyOf(all.keySet()),
                "no optimiser state; the autoencoder's InceptionV3 once");
        assertArrayEquals(new float[] {1, 2}, Ensemble.memberParameters(all, 0).get("enc/article/W").toFloatVector());
        assertEquals(2, Ensemble.memberParameters(all, 0).size());
        assertEquals(Map.of("enc/article/W", Nd4j.createFromArray(3f, 4f)), Ensemble.memberParameters(all, 1));
        assertTrue(Ensemble.memberParameters(all, 2).isEmpty());
    }

    @Test
    void theMeanOfTheMembersProbabilitiesSumsToOne() {
        float[] m = Ensemble.mean(new float[][][] {{{0.5f, 0.5f, 0, 0, 0}}, {{0, 0.5f, 0.5f, 0, 0}},
                {{0, 0, 0, 0, 1}}}, 0);
        assertArrayEquals(new float[] {1 / 6f, 1 / 3f, 1 / 6f, 0, 1 / 3f}, m, 1e-6f);
    }
}

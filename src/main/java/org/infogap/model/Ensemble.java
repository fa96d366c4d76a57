package org.infogap.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A deep ensemble (not in the paper; Lakshminarayanan, Pritzel and Blundell, 2017): the classifier trained several
 * times from the same autoencoder, each member with its own seed (its heads' initial weights, the order of its
 * batches, its dropout and its mismatched pairs), and scored as the mean of the members' level probabilities. Every
 * member validates on the same pairs and picks its own best epoch; the calibration temperature is fitted on the
 * mean.
 *
 * <p>Why it holds beyond the generated corpus: with a few hundred labels, which classifier a training ends with
 * depends on its seed and on which epoch 100 validation pairs happen to prefer. In the paper's regime one fold's SC
 * moved by up to 5 points with the epoch kept, in either direction (docs/decisions/2026-12-07-sc-in-the-regime.md).
 * That part of the error is variance, which averaging removes whatever the data; it is the reason ensembles are the
 * usual answer to small labelled sets. It costs its members' training time and scoring time: a search stack's
 * top-20 runs every member's graph.
 *
 * <p>In a bundle, member 0's parameters have their own names and member {@code i}'s are prefixed by
 * {@code member<i>/}; every member shares the bundle's vocabulary, word vectors and feature standardisation (they
 * come from the same autoencoder). Training writes each member's checkpoints under {@code members/<i>/}.
 */
public final class Ensemble {

    /** Where member {@code i} trains, under a classifier's output folder. */
    public static final String MEMBERS_DIR = "members";
    /** Member i's parameter names for i >= 1: {@code member<i>/NAME}. */
    private static final Pattern MEMBER_NAME = Pattern.compile("member\\d+/.*");

    /**
     * The component's section of {@link ModelConfig.Components}.
     *
     * @param members how many classifiers are trained and averaged (flat name {@code ensembleMembers}; 1 turns the
     *                component off)
     */
    public record Settings(int members) {
        public Settings {
            if (members < 2) {
                throw new IllegalArgumentException("ensemble.members must be at least 2 (remove the component to train one"
                        + " classifier), got " + members);
            }
        }
    }

    private Ensemble() {
    }

    /**
     * Member {@code i}'s configuration: one classifier, seeded {@code seed + i}. Member 0 is the classifier the same
     * config trains without the ensemble.
     */
    public static ModelConfig member(ModelConfig c, int i) {
        return c.with(Map.of("seed", Long.toString(c.training().seed() + i), "ensembleMembers", "1"));
    }

    private static String prefix(int i) {
        return i == 0 ? "" : "member" + i + "/";
    }

    /** One bundle's parameters holding every member's (member 0's under their own names). */
    public static Map<String, INDArray> combine(List<Map<String, INDArray>> members) {
        Map<String, INDArray> all = new LinkedHashMap<>();
        for (int i = 0; i < members.size(); i++) {
            for (Map.Entry<String, INDArray> e : members.get(i).entrySet()) {
                // the optimiser's moments resume a member and never score one; the autoencoder's InceptionV3, which
                // made every member's features, travels once
                boolean shared = i > 0 && e.getKey().equals(ImageTuner.PARAMS);
                if (!e.getKey().startsWith(Network.OPTIMIZER) && !shared) {
                    all.put(prefix(i) + e.getKey(), e.getValue());
                }
            }
        }
        return all;
    }

    /** Member {@code i}'s parameters out of a bundle's ({@link #combine}). */
    public static Map<String, INDArray> memberParameters(Map<String, INDArray> all, int i) {
        Map<String, INDArray> own = new LinkedHashMap<>();
        String p = prefix(i);
        for (Map.Entry<String, INDArray> e : all.entrySet()) {
            String name = e.getKey();
            if (i == 0 ? !MEMBER_NAME.matcher(name).matches() : name.startsWith(p)) {
                own.put(name.substring(p.length()), e.getValue());
            }
        }
        return own;
    }

    /** How many members a bundle of {@code c} holds: 1 without the component. */
    public static int members(ModelConfig c) {
        return c.ensemble() == null ? 1 : c.ensemble().members();
    }

    /** Row {@code row}'s level probabilities, the mean over the members ({@code members[m][row]}: member m's). */
    static float[] mean(float[][][] members, int row) {
        if (members.length == 1) {
            return members[0][row];
        }
        float[] m = new float[members[0][row].length];
        for (float[][] member : members) {
            for (int l = 0; l < m.length; l++) {
                m[l] += member[row][l] / members.length;
            }
        }
        return m;
    }
}

package org.infogap.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.modelimport.keras.Hdf5Archive;
import org.deeplearning4j.nn.modelimport.keras.exceptions.UnsupportedKerasConfigurationException;
import org.infogap.data.BadInputException;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Loads InceptionV3 weights saved by Keras ({@code .h5}, with or without the top; a weights file or a
 * whole saved model) into {@link InceptionV3}, through DL4J model import's HDF5 reader. As Keras's own
 * {@code load_weights}, it pairs layers by order: the k-th convolution of the file (Keras 2 names
 * {@code conv2d_k}, tf.keras names {@code conv2d}, {@code conv2d_1}, ...) with our {@code conv2d_k},
 * and so on for batch normalisation; every shape is checked. Keras kernels are [h, w, in, out], DL4J's
 * [out, in, h, w]. Keras's batch norm here has no scale, so gamma is set to 1.
 */
public final class KerasWeights {

    /** What was loaded. */
    public record Loaded(Path file, int convolutions, int batchNorms, boolean top) {
    }

    private static final Pattern NUMBERED = Pattern.compile("(.*?)(?:_(\\d+))?");

    private KerasWeights() {
    }

    public static Loaded load(ComputationGraph graph, Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new BadInputException(file, null, null, "no such weights file");
        }
        try (Hdf5Archive archive = new Hdf5Archive(file.toString())) {
            String[] root = archive.getGroups().contains("model_weights") ? new String[] {"model_weights"} : new String[0];
            List<String> groups = archive.getGroups(root);
            List<String> convs = ordered(groups, "conv2d");
            List<String> norms = ordered(groups, "batch_normalization");
            int expected = countLayers(graph, "conv2d_");
            if (convs.size() != expected || norms.size() != expected) {
                throw new BadInputException(file, null, null, "expected " + expected + " convolutions and batch "
                        + "normalisations of Keras's InceptionV3, found " + convs.size() + " and " + norms.size());
            }
            for (int k = 0; k < convs.size(); k++) {
                String ours = "conv2d_" + (k + 1);
                INDArray kernel = dataset(archive, file, root, convs.get(k), "kernel");
                set(graph, file, ours, "W", kernel.permute(3, 2, 0, 1), convs.get(k));
            }
            for (int k = 0; k < norms.size(); k++) {
                String ours = "batch_normalization_" + (k + 1);
                String theirs = norms.get(k);
                set(graph, file, ours, "beta", dataset(archive, file, root, theirs, "beta"), theirs);
                set(graph, file, ours, "mean", dataset(archive, file, root, theirs, "moving_mean"), theirs);
                set(graph, file, ours, "var", dataset(archive, file, root, theirs, "moving_variance"), theirs);
                graph.getLayer(ours).getParam("gamma").assign(1.0);
            }
            boolean top = groups.contains(InceptionV3.PREDICTIONS) && graph.getLayer(InceptionV3.PREDICTIONS) != null;
            if (top) {
                set(graph, file, InceptionV3.PREDICTIONS, "W",
                        dataset(archive, file, root, InceptionV3.PREDICTIONS, "kernel"), InceptionV3.PREDICTIONS);
                set(graph, file, InceptionV3.PREDICTIONS, "b",
                        dataset(archive, file, root, InceptionV3.PREDICTIONS, "bias"), InceptionV3.PREDICTIONS);
            }
            return new Loaded(file, convs.size(), norms.size(), top);
        } catch (UnsupportedKerasConfigurationException e) {
            throw new BadInputException(file, null, null, "not a readable Keras weights file: " + e.getMessage());
        } catch (RuntimeException e) {
            if (e instanceof BadInputException) {
                throw e;
            }
            throw new BadInputException(file, null, null, "not a readable Keras HDF5 file: " + e.getMessage());
        }
    }

    /** Groups named {@code base} or {@code base_N}, in creation order (N; no suffix first). */
    static List<String> ordered(List<String> groups, String base) {
        List<String> out = new ArrayList<>();
        for (String g : groups) {
            Matcher m = NUMBERED.matcher(g);
            if (m.matches() && m.group(1).equals(base)) {
                out.add(g);
            }
        }
        out.sort(Comparator.comparingInt(g -> {
            Matcher m = NUMBERED.matcher(g);
            m.matches();
            return m.group(2) == null ? 0 : Integer.parseInt(m.group(2));
        }));
        return out;
    }

    private static int countLayers(ComputationGraph graph, String prefix) {
        return (int) Arrays.stream(graph.getLayers()).filter(l -> l.getConfig().getLayerName().startsWith(prefix)).count();
    }

    /** The dataset {@code name:0} somewhere under the layer's group (Keras nests it as layer/layer/name:0). */
    private static INDArray dataset(Hdf5Archive archive, Path file, String[] root, String layer, String name)
            throws UnsupportedKerasConfigurationException {
        List<String> path = new ArrayList<>(Arrays.asList(root));
        path.add(layer);
        for (int depth = 0; depth < 4; depth++) {
            String[] groups = path.toArray(String[]::new);
            for (String d : archive.getDataSets(groups)) {
                if (d.equals(name + ":0") || d.equals(name)) {
                    return archive.readDataSet(d, groups);
                }
            }
            List<String> sub = archive.getGroups(groups);
            if (sub.isEmpty()) {
                break;
            }
            path.add(sub.get(0));
        }
        throw new BadInputException(file, layer, name, "missing weight " + name + ":0");
    }

    private static void set(ComputationGraph graph, Path file, String layerName, String param, INDArray value,
                            String theirs) {
        ImageWeights.set(graph.getLayer(layerName), param, value, file, theirs);
    }

}

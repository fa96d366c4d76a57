package org.infogap.serve;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.infogap.model.ModelBundle;
import org.infogap.model.Predictor;
import org.infogap.train.ExampleBuilder;

/**
 * A loaded classifier bundle with what scoring needs: one predictor per scoring worker (each its own graph, so
 * workers never share a SameDiff session) and the example builder of its encoder.
 */
public record ServingModel(String id, Path file, ModelBundle bundle, List<Predictor> predictors, ExampleBuilder examples) {

    /** Loads and checks a bundle for {@code workers} scoring workers; throws on a bundle that is not a usable classifier. */
    public static ServingModel load(Path file, Path inceptionWeights, Path featureCache, int workers) throws IOException {
        ModelBundle bundle = ModelBundle.load(file);
        List<Predictor> predictors = new ArrayList<>();
        for (int i = 0; i < Math.max(1, workers); i++) {
            predictors.add(new Predictor(bundle));
        }
        ExampleBuilder examples = ExampleBuilder.forBundle(bundle, inceptionWeights, featureCache);
        String id = file.getFileName() + "@" + org.infogap.io.Hashes.sha256(file).substring(0, 12);
        return new ServingModel(id, file, bundle, List.copyOf(predictors), examples);
    }

    /** Worker {@code worker}'s predictor. */
    public Predictor predictor(int worker) {
        return predictors.get(worker % predictors.size());
    }
}

package org.infogap.serve;

import java.io.IOException;
import java.nio.file.Path;
import org.infogap.model.ModelBundle;
import org.infogap.model.Predictor;
import org.infogap.train.ExampleBuilder;

/** A loaded classifier bundle with what scoring needs: the predictor and the example builder of its encoder. */
public record ServingModel(String id, Path file, ModelBundle bundle, Predictor predictor, ExampleBuilder examples) {

    /** Loads and checks a bundle; throws on a bundle that is not a usable classifier. */
    public static ServingModel load(Path file, Path inceptionWeights, Path featureCache) throws IOException {
        ModelBundle bundle = ModelBundle.load(file);
        Predictor predictor = new Predictor(bundle);
        ExampleBuilder examples = ExampleBuilder.forBundle(bundle, inceptionWeights, featureCache);
        String id = file.getFileName() + "@" + org.infogap.io.Hashes.sha256(file).substring(0, 12);
        return new ServingModel(id, file, bundle, predictor, examples);
    }
}

package org.infogap.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import org.infogap.io.Json;

/**
 * Every setting of a {@link ModelConfig} under one flat name: the shape configs and bundles had before version 2
 * (one record of flags), and the names {@code --set key=value} takes. A component is on when its flag is
 * ({@code matchWeight} above 0, {@code sentenceCounts}, {@code whitenWords}, {@code fineTuneImage}; {@code mismatchShare}
 * and {@code ordinalWeight} not 0; {@code ensembleMembers} above 1); settings of a component that is off keep their
 * preset value and mean nothing. As version 1 did, a setting whose component or prerequisite is off reads as off
 * ({@link #toConfig}), so that every bundle it wrote loads as it was trained.
 */
record FlatConfig(int imageSize, int imageDim, int wordDim, int sentenceDim, int textDim, int articleDim,
                  int maxSentences, int maxTokens, int thumbnail, double cosineScale, int classifierHidden,
                  double keepEncoder, double keepDecoder, double learningRate, double lrDecay, int batchSize,
                  double clipNorm, int aeEpochs, int classifierEpochs, boolean fineTuneEncoder, long seed,
                  double weightDecay, String optimizer, boolean fineTuneImage, double imageLrScale,
                  double matchWeight, boolean whitenWords, boolean matchGrid, boolean matchCaptions,
                  boolean sentenceCounts, int matchEpochs, boolean matchBag, boolean visualWords, int countsHidden,
                  boolean countsCoverage, String imageLayer, String gridLayer, double whitenFloor, double mismatchShare,
                  double ordinalWeight, int ensembleMembers) {

    /** The grid the match head read before {@code gridLayer} was a setting. */
    static final String FIRST_GRID_LAYER = "mixed7";
    /** Image fine-tuning's learning-rate scale where the config has none to give (it is off). */
    private static final double IMAGE_LR_SCALE = 0.01;
    /** Settings introduced after the first bundles, with the value that means "as before they existed". */
    private static final Map<String, JsonNode> ADDED_LATER = Map.ofEntries(
            Map.entry("imageLayer", TextNode.valueOf(InceptionV3.LAST_BLOCK)),
            Map.entry("gridLayer", TextNode.valueOf(FIRST_GRID_LAYER)),
            Map.entry("matchWeight", DoubleNode.valueOf(0.0)),
            Map.entry("whitenWords", BooleanNode.FALSE),
            Map.entry("matchGrid", BooleanNode.FALSE),
            Map.entry("matchCaptions", BooleanNode.FALSE),
            Map.entry("sentenceCounts", BooleanNode.FALSE),
            Map.entry("matchEpochs", IntNode.valueOf(0)),
            Map.entry("matchBag", BooleanNode.FALSE),
            Map.entry("visualWords", BooleanNode.FALSE),
            Map.entry("countsHidden", IntNode.valueOf(0)),
            Map.entry("countsCoverage", BooleanNode.FALSE),
            Map.entry("whitenFloor", DoubleNode.valueOf(WordWhitening.FLOOR)),
            Map.entry("mismatchShare", DoubleNode.valueOf(0.0)),
            Map.entry("ordinalWeight", DoubleNode.valueOf(0.0)),
            Map.entry("ensembleMembers", IntNode.valueOf(1)));
    /** Names version 1 did not have, which a version-1 file cannot state. */
    private static final Set<String> NOT_IN_VERSION_1 = Set.of("whitenFloor", "mismatchShare", "ordinalWeight",
            "ensembleMembers");

    /** The flat settings of {@code c}; a component that is off gives its flags off and the preset's values. */
    static FlatConfig of(ModelConfig c) {
        ModelConfig.Components on = c.components();
        ModelConfig.Components preset = ModelConfig.generated().components();
        MatchHead.Settings m = on.matchHead() != null ? on.matchHead() : preset.matchHead();
        SentenceCounts.Settings s = on.sentenceCounts() != null ? on.sentenceCounts() : preset.sentenceCounts();
        double whitenFloor = on.wordWhitening() != null ? on.wordWhitening().floor() : WordWhitening.FLOOR;
        double lrScale = on.imageFineTuning() != null ? on.imageFineTuning().lrScale() : IMAGE_LR_SCALE;
        boolean match = on.matchHead() != null;
        boolean counts = on.sentenceCounts() != null;
        ModelConfig.Training t = c.training();
        return new FlatConfig(c.image().size(), c.image().dim(), c.text().wordDim(), c.text().sentenceDim(),
                c.text().textDim(), c.text().articleDim(), c.text().maxSentences(), c.text().maxTokens(),
                c.decoder().thumbnail(), c.decoder().cosineScale(), c.classifier().hidden(), t.keepEncoder(),
                t.keepDecoder(), t.learningRate(), t.lrDecay(), t.batchSize(), t.clipNorm(), t.aeEpochs(),
                t.classifierEpochs(), t.fineTuneEncoder(), t.seed(), t.weightDecay(), t.optimizer(),
                on.imageFineTuning() != null, lrScale, match ? m.weight() : 0, on.wordWhitening() != null,
                match && m.grid() != null, match && m.captions(), counts, match ? m.warmupEpochs() : 0,
                match && m.bag(), counts && s.visualWords(), counts ? s.hidden() : 0, counts && s.coverage(),
                c.image().layer(), m.grid() != null ? m.grid() : FIRST_GRID_LAYER, whitenFloor,
                on.mismatchedPairs() != null ? on.mismatchedPairs().share() : 0,
                on.ordinalLoss() != null ? on.ordinalLoss().weight() : 0,
                on.ensemble() != null ? on.ensemble().members() : 1);
    }

    /**
     * The nested config, reading a setting as off where version 1 did: the match head's settings without
     * {@code matchWeight}, its warm-up without captions, visual words without counts or the bag, the counts' layer
     * without counts, coverage without that layer or the grid; with {@code fineTuneImage} the pooled layer is
     * InceptionV3's last.
     */
    ModelConfig toConfig() {
        MatchHead.Settings match = null;
        if (matchWeight > 0) {
            match = new MatchHead.Settings(matchWeight, matchGrid ? gridLayer : null, matchCaptions,
                    matchCaptions ? matchEpochs : 0, matchBag);
        } else if (matchWeight < 0 || Double.isNaN(matchWeight)) {
            throw new IllegalArgumentException("matchWeight must be >= 0, got " + matchWeight);
        }
        SentenceCounts.Settings counts = null;
        if (match != null && sentenceCounts) {
            int hidden = countsHidden;
            if (hidden < 0) {
                throw new IllegalArgumentException("countsHidden must be >= 0, got " + countsHidden);
            }
            counts = new SentenceCounts.Settings(hidden, visualWords && matchBag, countsCoverage && hidden > 0 && matchGrid);
        }
        if (matchEpochs < 0) {
            throw new IllegalArgumentException("matchEpochs must be >= 0, got " + matchEpochs);
        }
        if (matchGrid && matchWeight > 0 && fineTuneImage) {
            throw new IllegalArgumentException("matchGrid works on cached features; fineTuneImage trains pooled features only");
        }
        ModelConfig.Components components = new ModelConfig.Components(match, counts,
                whitenWords ? new WordWhitening.Settings(whitenFloor) : null,
                fineTuneImage ? new ImageTuner.Settings(imageLrScale) : null,
                mismatchShare != 0 ? new MismatchedPairs.Settings(mismatchShare) : null,
                ordinalWeight != 0 ? new OrdinalLoss.Settings(ordinalWeight) : null,
                ensembleMembers != 1 ? new Ensemble.Settings(ensembleMembers) : null);
        String pooled = fineTuneImage ? InceptionV3.LAST_BLOCK : imageLayer;
        return new ModelConfig(new ModelConfig.Image(imageSize, imageDim, pooled),
                new ModelConfig.Text(wordDim, sentenceDim, textDim, articleDim, maxSentences, maxTokens),
                new ModelConfig.Decoder(thumbnail, cosineScale), new ModelConfig.ClassifierLayer(classifierHidden),
                new ModelConfig.Training(optimizer, learningRate, lrDecay, batchSize, clipNorm, weightDecay, keepEncoder,
                        keepDecoder, aeEpochs, classifierEpochs, fineTuneEncoder, seed), components);
    }

    /** {@link #read} then {@link #toConfig}, an error naming {@code file} (when given) either way. */
    static ModelConfig load(ObjectNode node, Path file) {
        FlatConfig flat = read(node, file);
        try {
            return flat.toConfig();
        } catch (IllegalArgumentException e) {
            throw ModelConfig.error(file, null, e.getMessage());
        }
    }

    /**
     * Flat settings from JSON: names it does not know are refused; a file must state every setting version 1 had,
     * a bundle's config (file null) may lack those added after it was written.
     */
    static FlatConfig read(ObjectNode node, Path file) {
        ObjectNode full = Json.mapper().valueToTree(of(ModelConfig.generated()));
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!full.has(name)) {
                throw ModelConfig.error(file, name, "unknown setting; settings: " + ModelConfig.fieldNames(full));
            }
        }
        if (file != null) {
            for (Iterator<String> it = full.fieldNames(); it.hasNext(); ) {
                String name = it.next();
                if (!node.has(name) && !NOT_IN_VERSION_1.contains(name)) {
                    throw ModelConfig.error(file, name, "missing setting (a config file states every setting)");
                }
            }
        }
        ADDED_LATER.forEach((name, value) -> {
            if (!node.has(name)) {
                full.set(name, value);
            }
        });
        full.setAll(node);
        try {
            return Json.mapper().treeToValue(full, FlatConfig.class);
        } catch (IOException | IllegalArgumentException e) {
            throw ModelConfig.error(file, null, ModelConfig.message(e));
        }
    }
}

package org.infogap.model;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Mismatched pairs (not in the paper): while the classifier trains, each batch also holds texts of its own pairs
 * shown with another pair's image, labelled CMI 0 (they share no concept) with no SC label (the SC head learns
 * nothing from them). Needs no annotation.
 *
 * <p>Why it holds beyond the generated corpus: a search stack sends one text with many candidate images, most of
 * them about something else, and a text's claims about its own image say nothing about a random other image of a
 * collection (COCO, BBC News, Wikipedia alike), so "no shared concept" is true of such a pair almost always. SC is
 * left out because what another image means to a text is not known: unrelated (0) or contradicted (below 0). The
 * labelled pairs alone let the classifier read CMI from the text (how many sentences look like descriptions); a
 * pair whose text is the same and whose label is not can only be told apart by the image.
 *
 * <p>Only texts labelled CMI above 0 are mismatched: a text that shares nothing with its own image teaches nothing
 * new with another one.
 */
public final class MismatchedPairs {

    /**
     * The component's section of {@link ModelConfig.Components}.
     *
     * @param share mismatched pairs added per labelled pair of a batch (0.25: 4 to a batch of 16) (flat name
     *              {@code mismatchShare}; 0 turns the component off)
     */
    public record Settings(double share) {
        public Settings {
            if (!(share > 0 && share <= 1)) {
                throw new IllegalArgumentException("mismatchedPairs.share must be in (0, 1] (remove the component to turn it off), got "
                        + share);
            }
        }
    }

    private MismatchedPairs() {
    }

    /**
     * {@code batch} followed by {@code round(share x batch size)} mismatched pairs: a text of the batch whose CMI is
     * above 0 with the image of another pair of the batch that shows a different image, CMI 0, SC unknown (-1), no
     * caption phrases (the match head learns from the pairs as they are). The batch itself when it has no such text.
     */
    public static List<Example> augment(List<Example> batch, Settings s, Random random) {
        List<Example> texts = batch.stream().filter(e -> e.cmi() > 0).toList();
        int n = (int) Math.round(s.share() * batch.size());
        if (texts.isEmpty() || n == 0) {
            return batch;
        }
        List<Example> out = new ArrayList<>(batch.size() + n);
        out.addAll(batch);
        for (int added = 0, tries = 0; added < n && tries < 20 * n; tries++) {
            Example text = texts.get(random.nextInt(texts.size()));
            Example image = batch.get(random.nextInt(batch.size()));
            if (text.image().sameImage(image.image())) {
                continue;
            }
            out.add(new Example(text.key() + "~" + image.key(), image.image(), text.sentences(), List.of(), null, 0, -1));
            added++;
        }
        return out;
    }
}

package org.infogap.synth;

import org.infogap.data.CmiLevel;
import org.infogap.data.ScLevel;

/**
 * The labels of a generated pair, computed from its composition. With n objects in the image,
 * d of them truly described, and a true (VISUAL), c contradicting and t sentences in all:
 *
 * <ul>
 *   <li><b>CMI</b> (how many concepts are shared): 0 when a = 0; 1 when every object is described and
 *   every sentence is a true description (d = n and a = t, a caption); otherwise the mean of the
 *   image coverage d/n and the text focus a/t, rounded to the nearest quarter and kept within
 *   0.25..0.75.</li>
 *   <li><b>SC</b> (how much meaning is shared): 0 when no sentence is about the image (a + c = 0);
 *   otherwise the agreement r = (a - c) / (a + c) rounded half away from zero to the nearest half,
 *   then moved one step towards 0 when the image-related sentences are less than a quarter of the
 *   text ((a + c)/t &lt; 0.25): a minor mention barely changes how the pair is understood.</li>
 * </ul>
 */
public final class LabelRules {

    /** Below this share of image-related sentences, SC moves one step towards 0. */
    static final double MINOR_MENTION_SHARE = 0.25;

    private LabelRules() {
    }

    public static CmiLevel cmi(Composition c) {
        return cmi(c.objects(), c.describedObjects(), c.count(Composition.Role.VISUAL),
                c.statements().size());
    }

    public static ScLevel sc(Composition c) {
        return sc(c.count(Composition.Role.VISUAL), c.count(Composition.Role.CONTRADICTION), c.statements().size());
    }

    static CmiLevel cmi(long objects, long described, long visual, long total) {
        if (visual == 0) {
            return CmiLevel.L0;
        }
        if (described == objects && visual == total) {
            return CmiLevel.L1;
        }
        double mean = ((double) described / objects + (double) visual / total) / 2;
        long quarters = Math.round(mean * 4);
        return CmiLevel.ofIndex((int) Math.max(1, Math.min(3, quarters)));
    }

    static ScLevel sc(long visual, long contradicting, long total) {
        long related = visual + contradicting;
        if (related == 0) {
            return ScLevel.ZERO;
        }
        double r = (double) (visual - contradicting) / related;
        long halves = (long) Math.floor(Math.abs(r) * 2 + 0.5);
        if ((double) related / total < MINOR_MENTION_SHARE && halves > 0) {
            halves--;
        }
        long signed = r < 0 ? -halves : halves;
        return ScLevel.ofIndex((int) signed + 2);
    }
}

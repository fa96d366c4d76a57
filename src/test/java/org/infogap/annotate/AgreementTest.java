package org.infogap.annotate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.infogap.data.CmiLevel;
import org.infogap.data.ImageTextPair;
import org.infogap.data.ScLevel;
import org.infogap.data.Source;
import org.infogap.data.Split;
import org.junit.jupiter.api.Test;

class AgreementTest {

    /**
     * Krippendorff's worked example with missing data (4 coders, 12 units; "Computing Krippendorff's
     * Alpha-Reliability", 2011): ordinal alpha = 0.815.
     */
    @Test
    void krippendorffsOrdinalAlphaMatchesHisWorkedExample() {
        Integer n = null;
        Integer[][] byCoder = {
            {1, 2, 3, 3, 2, 1, 4, 1, 2, n, n, n},
            {1, 2, 3, 3, 2, 2, 4, 1, 2, 5, n, 3},
            {n, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, n},
            {1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, n}};
        List<Integer[]> items = new ArrayList<>();
        for (int unit = 0; unit < 12; unit++) {
            items.add(new Integer[] {byCoder[0][unit], byCoder[1][unit], byCoder[2][unit], byCoder[3][unit]});
        }
        Agreement.Result r = Agreement.compute("CMI", List.of("A", "B", "C", "D"), items);
        assertEquals(0.815, r.krippendorffAlphaOrdinal(), 0.0005);
        assertTrue(Double.isNaN(r.cohenKappa()), "kappa only for two annotators");
    }

    /**
     * Two annotators, 10 pairs, hand-computed: they agree on 7 (p_o = 0.7); marginals A = (5, 3, 2),
     * B = (5, 4, 1) over levels 0, 1, 2, so p_e = (25 + 12 + 2) / 100 = 0.39 and kappa = 0.31 / 0.61.
     */
    @Test
    void cohensKappaMatchesAHandComputedTable() {
        int[] a = {0, 0, 0, 0, 0, 1, 1, 1, 2, 2};
        int[] b = {0, 0, 0, 0, 1, 1, 1, 0, 2, 1};
        List<AnnotationStore.Label> labels = new ArrayList<>();
        for (int i = 0; i < a.length; i++) {
            labels.add(label("p" + i, "ann", a[i]));
            labels.add(label("p" + i, "bob", b[i]));
        }
        labels.add(label("single", "ann", 4)); // one label only: not part of agreement
        Agreement.Result cmi = Agreement.of(labels).get(0);
        assertEquals(10, cmi.pairs());
        assertEquals(List.of("ann", "bob"), cmi.annotators());
        assertEquals(0.31 / 0.61, cmi.cohenKappa(), 1e-9);
        assertEquals(0.7, cmi.percentAgreement(), 1e-9);
    }

    @Test
    void noPairWithSeveralLabelsGivesNoFigures() {
        Agreement.Result r = Agreement.of(List.of(label("p", "ann", 1))).get(1);
        assertEquals("SC", r.measure());
        assertEquals(0, r.pairs());
        assertTrue(Double.isNaN(r.krippendorffAlphaOrdinal()));
    }

    private static AnnotationStore.Label label(String id, String annotator, int level) {
        ImageTextPair pair = new ImageTextPair(Source.BBC, id, Path.of(id + ".jpg"), List.of("t"), "", Split.TRAIN);
        return new AnnotationStore.Label(pair, annotator, CmiLevel.ofIndex(level), ScLevel.ofIndex(level), "", List.of(),
                true, 0);
    }
}

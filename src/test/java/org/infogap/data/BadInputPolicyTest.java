package org.infogap.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class BadInputPolicyTest {

    private static BadInputException bad(String entry) {
        return new BadInputException(Path.of("corpus.json"), "entry '" + entry + "'", "image", "missing");
    }

    @Test
    void failFastRethrows() {
        BadInputException e = bad("a");
        assertSame(e, assertThrows(BadInputException.class, () -> BadInputPolicy.failFast().handle(e)));
    }

    @Test
    void skippingCountsEachBadEntryOnceAcrossPasses() {
        BadInputPolicy policy = BadInputPolicy.skipAndCount();
        for (int pass = 0; pass < 3; pass++) {
            policy.handle(bad("a"));
            policy.handle(bad("b"));
        }
        assertEquals(2, policy.skipped());
        assertEquals("corpus.json, entry 'a', field 'image': missing", policy.firstMessages().get(0));
    }
}

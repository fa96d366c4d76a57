package org.infogap.data;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a reader does with a bad entry: fail (the default, so nothing is silently lost), or skip
 * it, count it and keep the first messages for the report ({@code --skip-bad}).
 */
public final class BadInputPolicy {

    private static final Logger LOG = LoggerFactory.getLogger(BadInputPolicy.class);
    private static final int KEPT_MESSAGES = 20;

    private final boolean skip;
    // Distinct messages, so an entry skipped on every pass over a corpus (Word2Vec reads it once per
    // epoch) is counted once.
    private final Set<String> seen = ConcurrentHashMap.newKeySet();
    private final List<String> messages = Collections.synchronizedList(new ArrayList<>());

    private BadInputPolicy(boolean skip) {
        this.skip = skip;
    }

    public static BadInputPolicy failFast() {
        return new BadInputPolicy(false);
    }

    public static BadInputPolicy skipAndCount() {
        return new BadInputPolicy(true);
    }

    public static BadInputPolicy of(boolean skipBad) {
        return skipBad ? skipAndCount() : failFast();
    }

    /** Rethrows {@code e} when failing fast; otherwise records it and returns so the reader moves on. */
    public void handle(BadInputException e) {
        if (!skip) {
            throw e;
        }
        if (seen.add(e.getMessage()) && seen.size() <= KEPT_MESSAGES) {
            messages.add(e.getMessage());
            LOG.warn("skipped: {}", e.getMessage());
        }
    }

    public boolean skips() {
        return skip;
    }

    /** Distinct bad entries skipped. */
    public long skipped() {
        return seen.size();
    }

    /** The first few skip messages, for reports. */
    public List<String> firstMessages() {
        synchronized (messages) {
            return List.copyOf(messages);
        }
    }
}

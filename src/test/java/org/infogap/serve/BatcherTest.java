package org.infogap.serve;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class BatcherTest {

    /**
     * Many clients and several workers: every job gets its own items' results, in order, and no batch mixes targets.
     * Workers taking at the same time once handed one of them a null job and the next target's (2026-12-07).
     */
    @Test
    void concurrentJobsEachGetTheirOwnResultsAndBatchesKeepToOneTarget() throws Exception {
        AtomicInteger mixed = new AtomicInteger();
        try (Batcher<String, String, String> batcher = new Batcher<>("test-batcher", 10_000, 8, 4, (worker, target, items) -> {
            List<String> out = new ArrayList<>();
            for (String item : items) {
                if (!item.startsWith(target + "/")) {
                    mixed.incrementAndGet();
                }
                out.add(item + "!");
            }
            return out;
        })) {
            ExecutorService clients = Executors.newFixedThreadPool(8);
            List<Future<Integer>> done = new ArrayList<>();
            for (int c = 0; c < 8; c++) {
                int client = c;
                done.add(clients.submit(() -> {
                    int checked = 0;
                    for (int j = 0; j < 400; j++) {
                        String target = (j % 3 == 0) ? "a" : "b";
                        List<String> items = new ArrayList<>();
                        for (int i = 0; i <= j % 3; i++) {
                            items.add(target + "/" + client + "-" + j + "-" + i);
                        }
                        CompletableFuture<List<String>> result = batcher.submit(target, items);
                        assertNotNull(result, "the queue holds every job");
                        List<String> expected = items.stream().map(s -> s + "!").toList();
                        assertEquals(expected, result.get(10, TimeUnit.SECONDS));
                        checked++;
                    }
                    return checked;
                }));
            }
            for (Future<Integer> f : done) {
                assertEquals(400, f.get(60, TimeUnit.SECONDS));
            }
            clients.shutdown();
            assertEquals(0, mixed.get(), "items run with another job's target");
            assertEquals(0, batcher.queued());
        }
    }
}

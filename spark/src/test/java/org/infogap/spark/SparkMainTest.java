package org.infogap.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

class SparkMainTest {

    @Test
    void anExecutorRunsOneTaskUnlessTheJobSaysOtherwise() {
        SparkConf executors = new SparkConf(false).set("spark.executor.cores", "4");
        assertEquals("4", SparkMain.oneTaskPerExecutor(executors).get("spark.task.cpus"));
        assertEquals("4", executors.get("spark.executorEnv.OMP_NUM_THREADS"), "ND4J's threads match the cores");
        SparkConf chosen = new SparkConf(false).set("spark.executor.cores", "4").set("spark.task.cpus", "2");
        assertEquals("2", SparkMain.oneTaskPerExecutor(chosen).get("spark.task.cpus"), "the job's own setting stays");
        assertFalse(SparkMain.oneTaskPerExecutor(new SparkConf(false)).contains("spark.task.cpus"),
                "local mode and clusters without executor cores set: Spark's default");
    }
}

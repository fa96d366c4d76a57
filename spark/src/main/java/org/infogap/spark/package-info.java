/**
 * infogap as Spark applications (issue 37): {@code SparkEmbed} turns a collection's images into the features the
 * model reads, as Parquet, one row per distinct image (by content SHA-256), with the same preprocessing as
 * {@code serve}. Depends on infogap's {@code model}, {@code store}, {@code data} and {@code io}; Spark is provided.
 */
package org.infogap.spark;

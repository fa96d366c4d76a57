/**
 * Image features on disk: {@code FeatureStore}, one SQLite file per image encoder holding each image's
 * features by the SHA-256 of its bytes (and, for the API, the ids images are registered under), read one
 * record at a time so memory does not grow with the collection; {@code Precision}, how a record's floats
 * are stored. Depends on no other package of infogap; training, {@code predict}, the report and {@code serve} all
 * read features through it.
 */
package org.infogap.store;

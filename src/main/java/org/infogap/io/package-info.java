/**
 * File plumbing shared by every layer: crash-safe atomic writes and the one JSON mapper.
 * Depends on nothing else in infogap.
 */
package org.infogap.io;

/**
 * The {@code infogap} command line (picocli): one subcommand per job. Thin entry points that parse
 * options and call the packages below; may depend on every other package, none depends on it.
 */
package org.infogap.cli;

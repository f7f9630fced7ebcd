/**
 * The {@code musc} command line: {@code musc run} (the {@code run} module's {@link io.musc4j.run.RunCommand}),
 * {@code musc demo} and the pointer to {@code musc bench}; argument errors are one line.
 */
package io.musc4j.cli;

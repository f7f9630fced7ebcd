/**
 * {@code musc serve}: the stations of a production line inspected over HTTP and from hot folders
 * ({@link io.musc4j.serve.Service}), each station an {@link io.musc4j.engine.inspect.Inspector} whose
 * state is saved after every part and restored on start, with a live page, Prometheus metrics and an
 * OpenAPI description.
 */
package io.musc4j.serve;

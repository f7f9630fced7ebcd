package io.musc4j.serve;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What {@code musc serve} runs, resolved from the command line and the configuration file.
 *
 * @param host address to listen on
 * @param port TCP port; 0 picks a free one (printed at start)
 * @param state the state folder: one sub-folder per station
 * @param queue requests waiting per station before the service answers 503
 * @param stations the stations, names unique
 */
public record ServeSettings(String host, int port, Path state, int queue, List<StationSpec> stations) {

    public ServeSettings {
        stations = List.copyOf(stations);
        if (stations.isEmpty()) {
            throw new IllegalArgumentException("no stations: give --stations a,b,... or a --config file with stations");
        }
        Set<String> seen = new HashSet<>();
        Set<Path> watched = new HashSet<>();
        for (StationSpec s : stations) {
            if (!seen.add(s.id())) {
                throw new IllegalArgumentException("station " + s.id() + " is named twice");
            }
            if (s.watch() != null && !watched.add(s.watch().toAbsolutePath().normalize())) {
                throw new IllegalArgumentException("station " + s.id() + ": hot folder " + s.watch()
                        + " is watched by another station");
            }
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--port must be between 0 and 65535, got " + port);
        }
        if (queue < 1) {
            throw new IllegalArgumentException("--queue must be at least 1, got " + queue);
        }
    }
}

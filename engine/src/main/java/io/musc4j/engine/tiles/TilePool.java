package io.musc4j.engine.tiles;

import java.util.Locale;

/**
 * How the tiles of a set's images are pooled into MuSc sets; both are label-free.
 *
 * <ul>
 *   <li>{@link #POSITION}: the tiles at one grid position of every image form one set (N images → R·C
 *       sets of N tiles), for parts photographed in place; cost R·C·N².</li>
 *   <li>{@link #ALL}: every tile of every image in one set (N·R·C tiles), for textures and parts in any
 *       position; cost (R·C·N)².</li>
 * </ul>
 */
public enum TilePool {
    POSITION, ALL;

    /** {@code position} or {@code all}. */
    public static TilePool parse(String text) {
        for (TilePool p : values()) {
            if (p.name().equalsIgnoreCase(text.trim())) {
                return p;
            }
        }
        throw new IllegalArgumentException("tile pool must be position or all, got '" + text + "'");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}

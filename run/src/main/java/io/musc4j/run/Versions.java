package io.musc4j.run;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;

/** Version line for {@code musc --version}: ours and the compute stack's this build was made with. */
public final class Versions implements CommandLine.IVersionProvider {

    public static final String MUSC4J = "0.1.0";
    /** The DJL version of the build (the parent pom's djl.version, which -Ddjl.version overrides). */
    public static final String DJL;
    /** The PyTorch version of the build's natives (pytorch.version, which -Dpytorch.version overrides). */
    public static final String PYTORCH;

    static {
        Properties p = new Properties();
        try (InputStream in = Versions.class.getResourceAsStream("versions.properties")) {
            if (in == null) {
                throw new IllegalStateException("versions.properties is missing from musc4j-run's jar");
            }
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DJL = p.getProperty("djl");
        PYTORCH = p.getProperty("pytorch");
    }

    @Override
    public String[] getVersion() {
        return new String[] {"musc4j " + MUSC4J + " (DJL " + DJL + ", PyTorch " + PYTORCH
                + ", Java " + Runtime.version() + ")"};
    }
}

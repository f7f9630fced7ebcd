package io.musc4j.run;

import picocli.CommandLine;

/** Version line for {@code musc --version}: ours and the compute stack's. */
public final class Versions implements CommandLine.IVersionProvider {

    public static final String MUSC4J = "0.1.0";
    public static final String DJL = "0.33.0";
    public static final String PYTORCH = "2.5.1";

    @Override
    public String[] getVersion() {
        return new String[] {"musc4j " + MUSC4J + " (DJL " + DJL + ", PyTorch " + PYTORCH
                + ", Java " + Runtime.version() + ")"};
    }
}

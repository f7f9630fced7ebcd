package io.musc4j.batch;

import io.musc4j.engine.Division;
import io.musc4j.engine.rscin.RscinWindows;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What a category must satisfy to be scored with a configuration, checked from the listing before the
 * model loads and again once unreadable images are dropped; and the words for a set whose scores are
 * not numbers. Messages name only options the user gave, except as the fix to give.
 *
 * @param model        the model as the user named it (hub id or folder)
 * @param division     the {@code --divide} split
 * @param divideGiven  whether the user asked for a division
 * @param rscin        RsCIN's windows
 * @param rscinOrigin  where the windows come from, in words: {@code --rscin 1,2,3} or
 *                     {@code the mvtec default 1,2,3}
 */
public record CategoryChecks(String model, Division division, boolean divideGiven, RscinWindows rscin,
                             String rscinOrigin) {

    /** Why a set of {@code n} images cannot be scored, with the fix; empty when it can. */
    public Optional<String> problem(int n) {
        if (n < 2) {
            return Optional.of("only " + n + " image" + (n == 1 ? "" : "s") + ": MuSc scores each image against the "
                    + "others and needs at least 2");
        }
        if (divideGiven && n < 2 * division.parts()) {
            return Optional.of(n + " images cannot be divided into " + division.parts() + " subsets of at least 2 "
                    + "(--divide " + division.parts() + "); use --divide " + Math.max(1, n / 2) + " or less");
        }
        int largest = rscin.windows().stream().mapToInt(Integer::intValue).max().orElse(0);
        if (largest > n) {
            List<Integer> fitting = rscin.windows().stream().filter(k -> k <= n).distinct().toList();
            String fix = fitting.isEmpty() ? "--rscin off"
                    : "--rscin " + fitting.stream().map(String::valueOf).collect(Collectors.joining(","))
                    + " or --rscin off";
            return Optional.of(n + " images, fewer than RsCIN's window of " + largest + " (" + rscinOrigin
                    + "); score it with " + fix);
        }
        return Optional.empty();
    }

    /** Throws the {@link #problem} of {@code n} images, if any. */
    public void require(int n) {
        problem(n).ifPresent(p -> {
            throw new CategoryException(p);
        });
    }

    /** Why a score is not a number: the model's output (weights) or RsCIN's rescaling of equal scores. */
    String notANumber(String image, boolean beforeRscin, double[] scores) {
        if (beforeRscin) {
            return "model " + model + " gives a NaN score for " + image + " (NaN or infinite values in its weights "
                    + "or output; check the model files)";
        }
        boolean equal = java.util.Arrays.stream(scores).allMatch(v -> v == scores[0]);
        return "RsCIN gives a NaN score for " + image + (equal ? ": all " + scores.length
                + " images have the same score " + scores[0] + ", so RsCIN's min-max rescaling is undefined"
                : " (from the image features)") + "; score it with --rscin off";
    }

    /** Checks that accept any set, for callers that let the engine's own errors through. */
    public static CategoryChecks none(String model) {
        return new CategoryChecks(model, Division.NONE, false, RscinWindows.off(), "");
    }
}

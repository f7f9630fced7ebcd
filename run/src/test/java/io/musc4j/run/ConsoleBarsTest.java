package io.musc4j.run;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ConsoleBarsTest {

    @Test
    void aBarShowsRateAndRemainingTimeOfWhatThisStageDid() {
        // 10 of 40 in 5 s: 7 of 30 marks, 2 per second, 30 left at that rate take 15 s
        assertEquals("features  [#######.......................] 10/40 2.00/s eta 15s",
                ConsoleBars.render("", "features", 10, 40, 10, 5.0));
    }

    @Test
    void aResumedStageCountsItsRateFromWhereItResumed() {
        // the second half of a divided set: 12 were done before, 6 more in 3 s, 6 left
        assertEquals("[1/1] brick scoring   [######################........] 18/24 2.00/s eta 3s",
                ConsoleBars.render("[1/1] brick ", "scoring", 18, 24, 6, 3.0));
    }

    @Test
    void aFinishedStageShowsItsDuration() {
        assertEquals("scoring   [##############################] 24/24 6.00/s 2s",
                ConsoleBars.render("", "scoring", 24, 24, 12, 2.0));
        assertEquals("1m05s", ConsoleBars.duration(65));
    }
}

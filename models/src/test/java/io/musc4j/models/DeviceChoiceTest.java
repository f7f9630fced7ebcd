package io.musc4j.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import io.musc4j.models.BackboneOptions.DeviceChoice;
import org.junit.jupiter.api.Test;

/** The device a choice means, as a function of the GPUs DJL sees: no GPU is needed to check it. */
class DeviceChoiceTest {

    @Test
    void aGpuIndexIsKeptFromChoiceToDevice() {
        assertEquals(Device.gpu(1), DeviceChoice.of(Device.gpu(1)).resolve(2));
        assertEquals(Device.gpu(3), DeviceChoice.parse("GPU:3").resolve(4));
        assertEquals(Device.gpu(0), DeviceChoice.parse("gpu").resolve(1));
        assertEquals(Device.gpu(0), DeviceChoice.AUTO.resolve(2));
        assertEquals(Device.cpu(), DeviceChoice.AUTO.resolve(0));
        assertEquals(Device.cpu(), DeviceChoice.of(Device.cpu()).resolve(8));
        assertEquals("GPU 2 was requested but DJL sees 2 GPU(s), numbered 0..1",
                assertThrows(IllegalArgumentException.class, () -> DeviceChoice.gpu(2).resolve(2)).getMessage());
    }

    @Test
    void parsesWhatItPrints() {
        for (DeviceChoice c : new DeviceChoice[] {DeviceChoice.AUTO, DeviceChoice.CPU, DeviceChoice.gpu(0),
                DeviceChoice.gpu(5)}) {
            assertEquals(c, DeviceChoice.parse(c.toString()));
        }
        for (String bad : new String[] {"gpu:-1", "gpu:x", "tpu", "gpu:"}) {
            assertEquals("device must be auto, cpu, gpu or gpu:N with N >= 0, got '" + bad + "'",
                    assertThrows(IllegalArgumentException.class, () -> DeviceChoice.parse(bad)).getMessage());
        }
    }
}

package dev.llmworkbench.cli;

import dev.llmworkbench.sim.FaultSpec;
import dev.llmworkbench.sim.SimConfig;
import dev.llmworkbench.sim.Simulator;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** A simulator a command-line test starts with the faults it needs, closed after each test. */
final class TestSim implements AfterEachCallback {
    private Simulator sim;

    /** Starts the simulator with {@code faults}; returns its base URL. */
    String start(String faults) throws java.io.IOException {
        sim = Simulator.start(SimConfig.defaults().withFaults(FaultSpec.parse(faults)));
        return sim.baseUrl();
    }

    /** The simulator started last. */
    Simulator sim() {
        return sim;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (sim != null) {
            sim.close();
            sim = null;
        }
    }
}

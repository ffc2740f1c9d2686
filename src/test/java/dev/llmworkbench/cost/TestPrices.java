package dev.llmworkbench.cost;

import java.io.StringReader;
import java.nio.file.Path;

/** A small catalogue with figures chosen for hand-checked arithmetic. */
final class TestPrices {
    static final String JSON = """
            {"version": 1, "updated": "2026-01-02", "entries": [
              {"provider": "p1", "model": "m-flat", "aliases": ["flat"], "currency": "USD",
               "input": 2, "output": 8, "thinking_output": 20, "batch_discount": 0.5,
               "context_window": 32768, "max_context_window": 131072,
               "price_date": "2026-01-01", "source": "test", "verified": true},
              {"provider": "p1", "model": "m-tier", "currency": "CNY", "input": 0.8, "output": 2, "thinking_output": 8,
               "tiers": [{"max_input_tokens": 131072, "input": 0.8, "output": 2, "thinking_output": 8},
                         {"max_input_tokens": 262144, "input": 2.4, "output": 20, "thinking_output": 24}],
               "context_window": 262144, "price_date": "2026-01-01", "source": "test", "verified": false},
              {"provider": "p1", "model": "m-cached", "currency": "USD", "input": 3, "output": 15, "cached_input": 0.3,
               "tiers": [{"max_input_tokens": 200000, "input": 3, "output": 15},
                         {"max_input_tokens": 1000000, "input": 6, "output": 22.5}],
               "context_window": 1000000, "price_date": "2026-01-01", "source": "test", "verified": true},
              {"provider": "p2", "model": "m-flat", "currency": "USD", "input": 1, "output": 1,
               "price_date": "2026-01-01", "source": "test", "verified": true}
            ]}
            """;

    private TestPrices() {
    }

    static PriceCatalogue catalogue() {
        return PriceCatalogue.load(new StringReader(JSON), null);
    }

    static PriceCatalogue catalogue(Path overrides) {
        return PriceCatalogue.load(new StringReader(JSON), overrides);
    }
}

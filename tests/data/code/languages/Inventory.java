package shop;

import java.util.HashMap;
import java.util.Map;

/** Counts items in stock. */
public class Inventory {
    private final Map<String, Integer> counts = new HashMap<>();

    /** Adds {@code amount} units of {@code sku}. */
    public void add(String sku, int amount) {
        if (amount <= 0) {
            throw new IllegalArgumentException("amount must be positive");
        }
        counts.merge(sku, amount, Integer::sum);
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        for (Map.Entry<String, Integer> e : counts.entrySet()) {
            out.append(e.getKey()).append('=').append(e.getValue()).append('\n');
        }
        return out.toString();
    }
}

"""Side-by-side benchmark of the Indoor Voice engine and the Wyoming peers (scripts/bench)."""

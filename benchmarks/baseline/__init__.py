"""The naive baseline app the benchmark compares against (not part of the product)."""

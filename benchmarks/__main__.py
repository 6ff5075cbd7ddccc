"""``python -m benchmarks --scale small|medium|eu`` (what ``make bench`` runs)."""

from benchmarks.run import main

main()

"""Readers that turn files staff bring (Eurostat TSV, SDMX-CSV, tidy CSV) into tidy frames."""

"""Uploads staff bring, read → validate → diff → publish (``pipeline``): the tidy templates, Eurostat TSV and
SDMX-CSV, Kohesio's project export; detection (``detect``), readers (``read``, ``eurostat``, ``kohesio``),
checks (``validate``), the diff (``diff``), the command line's report (``report``) and templates (``template``)."""

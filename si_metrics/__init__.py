"""SI Observatory domain package: catalogue, store, queries, ingest, translations. Never imports streamlit."""

import warnings

import pandas as pd
from pandas.errors import Pandas4Warning

__version__ = "0.1.0"

# Text columns stay NumPy object arrays, not pandas 3's Arrow-backed "str" dtype. The app works on many small
# frames (10-400 rows) per rerun, and the Arrow dtype's per-call overhead (take, astype, indexing) cost 40-75 ms
# of every Regions, Funding and Overview rerun at EU scale (benchmarks/README.md). The option is deprecated in
# pandas 3 and goes in pandas 4, which is why requirements.txt pins pandas.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", Pandas4Warning)
    pd.set_option("future.infer_string", False)

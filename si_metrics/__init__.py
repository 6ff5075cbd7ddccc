"""SI Observatory domain package: catalogue, store, queries, ingest, translations. Never imports streamlit."""

import warnings

import pandas as pd
from pandas.errors import Pandas4Warning

__version__ = "0.6.0"  # as in pyproject.toml

# Text columns stay NumPy object arrays, not pandas 3's Arrow-backed "str" dtype. The app works on many small
# frames (tens to hundreds of rows) per rerun, where the Arrow dtype's fixed cost per call (take, astype, indexing)
# outweighs the work itself (docs/performance.md). The option is deprecated in pandas 3 and goes in pandas 4,
# which is why requirements.txt pins pandas.
with warnings.catch_warnings():
    warnings.simplefilter("ignore", Pandas4Warning)
    pd.set_option("future.infer_string", False)

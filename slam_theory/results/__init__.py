"""The results of a sweep: the trial store, its ``trials.csv`` export, and ``summary.json``.

Examples
--------
>>> from slam_theory.results import STORE_NAME, CSV_NAME
>>> STORE_NAME, CSV_NAME
('trials.sqlite', 'trials.csv')
"""

from slam_theory.results.cells import (
    atomic_write_bytes,
    canonical,
    dump_json,
    format_cell,
    jsonable,
    parse_cell,
    trial_key,
)
from slam_theory.results.store import SCHEMA, STORE_NAME, StoredTrial, TrialStore, example_store
from slam_theory.results.summary import SUMMARY_NAME, read_summary, versions, write_summary
from slam_theory.results.tables import (
    CSV_NAME,
    TIMINGS_NAME,
    export_tables,
    read_trials,
    rows_of,
)

__all__ = [
    "CSV_NAME",
    "SCHEMA",
    "STORE_NAME",
    "SUMMARY_NAME",
    "TIMINGS_NAME",
    "StoredTrial",
    "TrialStore",
    "atomic_write_bytes",
    "canonical",
    "dump_json",
    "example_store",
    "export_tables",
    "format_cell",
    "jsonable",
    "parse_cell",
    "read_summary",
    "read_trials",
    "rows_of",
    "trial_key",
    "versions",
    "write_summary",
]

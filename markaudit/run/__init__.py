"""Running audits: one document through the stages (`audit`), many through worker processes or a
Dask cluster (`batch`, `dask_engine`), the files chosen (`collect`, `storage`), the content cache,
the roll-up, and one command-line run end to end (`pipeline`)."""

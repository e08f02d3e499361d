"""A project's own settings and decisions: its configuration file, the severity policy applied to
findings, the baseline of accepted findings, and the typing fixes of transcribed markings."""

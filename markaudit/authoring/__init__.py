"""For rule writers: the JSON Schema of rule files, the text of `rules list` and `rules explain`,
and expectation files that say what a document must produce (`rules test`)."""

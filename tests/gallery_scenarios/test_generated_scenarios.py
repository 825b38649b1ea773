"""The generated scenarios of the tutorials named by ENTRA_HARNESS_TUTORIALS (issue 18, Deliver 4);
unset, nothing is collected. test_corpus_scenarios.py and `make corpus` set it to the corpus, and
the session stack serves the same tutorials' apps. Shard it across machines with pytest-split
(docs/gallery-import.md)."""

from steps.imported_scenarios import *  # noqa: F403  (the bound scenarios are this module's tests)

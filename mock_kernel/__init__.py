"""The shared kernel every mock stands on: the clock and the /_mock control namespace."""

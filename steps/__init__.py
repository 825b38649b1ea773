"""Gherkin step definitions, written once for every vendor (the vendor is gallery data)."""

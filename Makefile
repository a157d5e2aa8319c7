.PHONY: test mutation

# The README test command.
test:
	python -m pytest

# Mutation testing (long: not run in CI). Needs the extra: pip install -e ".[mutation]".
# Prints the score per module and writes benchmarks/mutation.json.
mutation:
	python tools/mutation.py

# Convenience wrappers; dev.py does the work and needs only Python 3.11+.
PYTHON ?= python3

.PHONY: run test setup score
run:
	$(PYTHON) dev.py run
test:
	$(PYTHON) dev.py test
setup:
	$(PYTHON) dev.py setup
score:
	.venv/bin/python ../shared/eval/score.py --corpus ../shared/corpus/dev -v

"""One folder per page: scenarios, pure readings (settings, results, verdicts), chart builders, and the view."""

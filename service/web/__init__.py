"""HTTP layer: translates requests to pipeline calls and errors to responses, nothing more."""

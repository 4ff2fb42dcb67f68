"""Fleet mode: many simulated routers in one process (or a few forked workers), sharing the compiled schema."""

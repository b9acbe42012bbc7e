"""kg: knowledge graphs of machine-learning literature."""

__version__ = "0.1.0"

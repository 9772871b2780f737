"""dragoman: from many outlets' reports to a sourced, assessed intelligence bulletin."""

__version__ = "0.1.0"

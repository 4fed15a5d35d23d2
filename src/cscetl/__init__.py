"""cscetl: children's social care pages in, a DuckDB warehouse of inspections, grades, figures and quotes out."""

__version__ = "0.1.0"

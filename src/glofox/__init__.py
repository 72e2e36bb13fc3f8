"""glofox-analytics: the commands around the dbt project that are not dbt."""

__version__ = "0.1.0"

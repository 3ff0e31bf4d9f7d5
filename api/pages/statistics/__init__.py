"""Statistics pages for leaders and analysts (the KPIs of docs/STATISTICS.md)."""

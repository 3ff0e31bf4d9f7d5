"""责任追究 pages: the accountability records with their evidence and decision, the monthly report."""

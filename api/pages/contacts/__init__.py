"""Contacts (CRM) and Excel import pages (issue 15)."""

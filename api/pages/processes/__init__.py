"""Process designers' pages: the process library, a version with its diagram, diffs, the
publication lifecycle and the migration of waiting cases."""

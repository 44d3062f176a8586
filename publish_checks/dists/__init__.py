"""What the built files are and hold, read by streaming them (never extracted), and which
files an index already serves."""

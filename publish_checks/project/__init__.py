"""What the project declares: configuration, the target index, credentials and tokens, the
version, the changelog, git. Reads files and asks git; no network, no output."""

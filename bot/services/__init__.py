"""Use cases: plain async functions joining domain, drafting and storage, called by handlers."""

"""The assistants library: saved chat presets to start conversations from."""

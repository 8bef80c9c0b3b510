"""Agent-facing text built from domain objects, in the agent's language. No Telegram here."""

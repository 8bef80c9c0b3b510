"""Drafts for buyers and Amazon: Jinja templates translated with the `messages` catalogs."""

from bot.drafting.renderer import Draft, DraftFactsError, Renderer, UnknownDraftKindError

__all__ = ["Draft", "DraftFactsError", "Renderer", "UnknownDraftKindError"]

"""A Sieve cleaner plugin that claims newsletter sign-up boxes (entry point ``newsletter``)."""

from sieve_newsletter.cleaner import NewsletterCleaner

__all__ = ["NewsletterCleaner"]

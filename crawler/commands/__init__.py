"""Sieve's Scrapy commands (``COMMANDS_MODULE``), one command a module."""

"""Sieve's Scrapy project: settings, spiders, item pipelines and commands."""

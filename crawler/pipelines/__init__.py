"""Item pipelines: cleaning (300), then storage (800)."""

from crawler.pipelines.clean import CleanPipeline
from crawler.pipelines.store import DatabasePipeline

__all__ = ["CleanPipeline", "DatabasePipeline"]

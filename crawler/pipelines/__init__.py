"""Item pipelines: cleaning (300), then storage."""

from crawler.pipelines.clean import CleanPipeline

__all__ = ["CleanPipeline"]

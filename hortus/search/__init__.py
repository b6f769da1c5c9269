"""Search strategies, each behind the small :class:`Searcher` interface."""

from hortus.search._base import Candidate, SearchBudget, Searcher, SearchResult
from hortus.search.enumerative import EnumerativeSearcher, EnumeratorConfig

SEARCHERS: dict[str, type[Searcher]] = {EnumerativeSearcher.name: EnumerativeSearcher}

__all__ = ["SEARCHERS", "Candidate", "EnumerativeSearcher", "EnumeratorConfig", "SearchBudget",
           "SearchResult", "Searcher"]

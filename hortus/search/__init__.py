"""Search strategies, each behind the small :class:`Searcher` interface."""

from hortus.search._base import Candidate, SearchBudget, Searcher, SearchResult
from hortus.search.compose import ComposeConfig, ComposeSearcher
from hortus.search.enumerative import EnumerativeSearcher, EnumeratorConfig

SEARCHERS: dict[str, type[Searcher]] = {s.name: s for s in (EnumerativeSearcher, ComposeSearcher)}

__all__ = ["SEARCHERS", "Candidate", "ComposeConfig", "ComposeSearcher", "EnumerativeSearcher",
           "EnumeratorConfig", "SearchBudget", "SearchResult", "Searcher"]

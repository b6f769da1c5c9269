"""Graphs: undirected, over int nodes, built from edge lists."""

from __future__ import annotations

from collections import deque
from typing import Any

from hortus.lang.primitives._registry import prim
from hortus.lang.runtime import Graph, charge

Seq = tuple[Any, ...]


def _from_edges(edges: Seq) -> Graph:
    charge(len(edges))
    return Graph.from_edges(edges)


def _bfs_parents(start: int, g: Graph) -> dict[int, int | None]:
    """Breadth-first search; parents in visiting order (neighbours visited in ascending order)."""
    parents: dict[int, int | None] = {start: None}
    queue = deque([start])
    while queue:
        node = queue.popleft()
        nbrs = g.adj.get(node, ())
        charge(len(nbrs) + 1)
        for n in nbrs:
            if n not in parents:
                parents[n] = node
                queue.append(n)
    return parents


def _bfs(start: int, g: Graph) -> Seq:
    return tuple(_bfs_parents(start, g))


def _shortest_path(a: int, b: int, g: Graph) -> Seq:
    """Nodes of a shortest path from a to b (inclusive); empty when b is unreachable."""
    parents = _bfs_parents(a, g)
    if b not in parents:
        return ()
    path: list[int] = []
    node: int | None = b
    while node is not None:
        path.append(node)
        node = parents[node]
    return tuple(reversed(path))


def _components(g: Graph) -> Seq:
    seen: set[int] = set()
    out = []
    for node in g.adj:
        if node not in seen:
            comp = tuple(sorted(_bfs_parents(node, g)))
            seen.update(comp)
            out.append(comp)
    return tuple(out)


PRIMITIVES = [
    prim("graph-from-edges", "list(pair(int, int)) -> graph", _from_edges,
         "an undirected graph from (a, b) edges"),
    prim("nodes", "graph -> list(int)", lambda g: tuple(g.adj), "nodes, ascending"),
    prim("neighbours", "int -> graph -> list(int)", lambda n, g: g.adj.get(n, ()),
         "neighbours of a node, ascending"),
    prim("bfs", "int -> graph -> list(int)", _bfs, "nodes reachable from a start, in BFS order"),
    prim("shortest-path", "int -> int -> graph -> list(int)", _shortest_path,
         "(shortest-path a b g): nodes of a shortest path, empty if none"),
    prim("components", "graph -> list(list(int))", _components,
         "connected components, each sorted, ordered by smallest node"),
]

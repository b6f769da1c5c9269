"""Graphs: undirected, over int nodes."""

from __future__ import annotations

from hortus.lang import parse
from hortus.lang.runtime import Graph

EDGES = [(1, 2), (1, 3), (2, 4), (3, 4), (4, 5), (7, 8)]


def on_graph(text: str, edges: list[tuple[int, int]] = EDGES) -> object:
    return parse(f"(lambda {text})")(edges)


def test_graph_from_edges_and_nodes() -> None:
    g = on_graph("(graph-from-edges $0)")
    assert isinstance(g, Graph) and g == Graph.from_edges(EDGES)
    assert on_graph("(nodes (graph-from-edges $0))") == [1, 2, 3, 4, 5, 7, 8]
    assert on_graph("(neighbours 4 (graph-from-edges $0))") == [2, 3, 5]
    assert on_graph("(neighbours 9 (graph-from-edges $0))") == []


def test_bfs_visits_in_breadth_first_order_neighbours_ascending() -> None:
    assert on_graph("(bfs 1 (graph-from-edges $0))") == [1, 2, 3, 4, 5]
    assert on_graph("(bfs 5 (graph-from-edges $0))") == [5, 4, 2, 3, 1]
    assert on_graph("(bfs 7 (graph-from-edges $0))") == [7, 8]
    assert on_graph("(bfs 9 (graph-from-edges $0))") == [9]  # an absent node reaches itself


def test_shortest_path() -> None:
    assert on_graph("(shortest-path 1 5 (graph-from-edges $0))") == [1, 2, 4, 5]
    assert on_graph("(shortest-path 5 1 (graph-from-edges $0))") == [5, 4, 2, 1]
    assert on_graph("(shortest-path 1 1 (graph-from-edges $0))") == [1]
    assert on_graph("(shortest-path 1 8 (graph-from-edges $0))") == []
    long_way = [(1, 2), (2, 3), (3, 4), (1, 5), (5, 4)]
    assert on_graph("(shortest-path 1 4 (graph-from-edges $0))", long_way) == [1, 5, 4]


def test_components_are_sorted_and_ordered_by_smallest_node() -> None:
    assert on_graph("(components (graph-from-edges $0))") == [[1, 2, 3, 4, 5], [7, 8]]
    assert on_graph("(components (graph-from-edges $0))", [(9, 8), (3, 2), (5, 1)]) \
        == [[1, 5], [2, 3], [8, 9]]


def test_graph_inputs_may_be_edge_lists_or_graphs() -> None:
    p = parse("(lambda (nodes $0))")
    assert p([(2, 1), (3, 1)]) == [1, 2, 3]
    assert p([[2, 1], [3, 1]]) == [1, 2, 3]
    assert p(Graph.from_edges([(2, 1)])) == [1, 2]

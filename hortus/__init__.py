"""hortus: grow models as programs."""

from tests.ops.cluster import cluster

__all__ = ["cluster"]

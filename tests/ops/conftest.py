from tests.ops.cluster import cluster, migrated_cluster

__all__ = ["cluster", "migrated_cluster"]

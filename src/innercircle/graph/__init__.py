"""Graph kernels on compressed sparse arrays: the Network, reach, PageRank and ranking.

>>> from innercircle.graph import Network, reach, pagerank
>>> net = Network.from_edges(["a", "b", "c", "c"], ["me", "me", "a", "b"], owner="me")
>>> reach(net)["second_degree"]
1
"""

from .hll import HyperLogLog
from .network import NO_TIME, Network, load_network
from .pagerank import pagerank
from .rank import rank_correlations, rank_table
from .reach import reach, reach_all, reach_all_approx, reach_in_workspace

__all__ = sorted(["HyperLogLog", "NO_TIME", "Network", "load_network", "pagerank",
                  "rank_correlations", "rank_table", "reach", "reach_all", "reach_all_approx",
                  "reach_in_workspace"])

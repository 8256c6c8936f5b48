"""综合评价: the month's (quarter's, year's) evaluation of streets, communities, grids, units and
grid workers, by the indicators of digital city management's last step (GB/T 30428)."""

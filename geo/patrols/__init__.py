"""Patrols (巡查): a grid worker's walks, recorded by the phone as tracks, with their length
and the share of the worker's grid roads they came within reach of."""

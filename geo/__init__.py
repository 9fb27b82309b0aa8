"""frontline-map: war news and event tables → offline, traceable interactive maps.

The pipeline, one module per step:
read (tables) / extract (articles) → geocode → regions (join) → render.
"""
__version__ = "0.1.0"

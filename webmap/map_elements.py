"""Custom Folium elements: a registry layer loaded by bbox, a legend, the page's settings.

Each declares only local assets (webmap/static); nothing is fetched from outside the server.
"""

from __future__ import annotations

import json
from typing import Any

from branca.element import Element, MacroElement
from folium.map import Layer
from jinja2 import Template

from layers.registry import LayerSpec

VENDOR = "/static/vendor"
LOCAL_JS = [
    ("leaflet", f"{VENDOR}/leaflet/leaflet.js"),
    ("markercluster", f"{VENDOR}/markercluster/leaflet.markercluster.js"),
    ("leaflet_heat", f"{VENDOR}/leaflet-heat/leaflet-heat.js"),
    ("gridmap", "/static/gridmap/gridmap.js"),
    ("gridmap_compound", "/static/gridmap/compound.js"),
]
LOCAL_CSS = [
    ("leaflet_css", f"{VENDOR}/leaflet/leaflet.css"),
    ("markercluster_css", f"{VENDOR}/markercluster/MarkerCluster.css"),
    ("markercluster_default_css", f"{VENDOR}/markercluster/MarkerCluster.Default.css"),
    ("gridmap_css", "/static/gridmap/gridmap.css"),
]


def safe_json(value: Any) -> str:
    """JSON that cannot close a <script> block or open a comment."""
    return (
        json.dumps(value, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


class RegistryLayer(Layer):
    """One registry layer on a Folium map, fetched from /api/v1/layers/<key>.geojson by bbox."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        var {{ this.get_name() }} = gridmap.layer({{ this._parent.get_name() }},
            {{ this.spec_json }}, {{ this.opts_json }});
        {% if this.show %}{{ this.get_name() }}.addTo({{ this._parent.get_name() }});{% endif %}
        {% endmacro %}
    """)

    def __init__(self, spec: LayerSpec, name: str, show: bool, **opts: Any) -> None:
        super().__init__(name=name, overlay=True, control=True, show=show)
        self._name = "RegistryLayer"
        self.spec_json = safe_json(spec.as_dict())
        self.opts_json = safe_json(opts)


class Legend(MacroElement):
    """A fixed legend: coloured swatches with (escaped) labels."""

    _template = Template("""
        {% macro html(this, kwargs) %}
        <div class="gm-legend" id="{{ this.get_name() }}">
          <div class="gm-legend-title">{{ this.title|e }}</div>
          {% for colour, label in this.items %}
          <div><span class="gm-swatch" style="background:{{ colour|e }}"></span>{{ label|e }}</div>
          {% endfor %}
        </div>
        {% endmacro %}
    """)

    def __init__(self, title: str, items: list[tuple[str, str]]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]  # branca is untyped
        self._name = "Legend"
        self.title = title
        self.items = items


def page_config(config: dict[str, Any]) -> Element:
    """The page config its scripts read (gridmap.js: gridmap.config), as a JSON data block
    in the page: not a script, so neither the Content-Security-Policy nor a request of its own
    stands in its way."""
    return Element(
        f'<script type="application/json" id="gridmap-config">{safe_json(config)}</script>'
    )

"""Colours of facility kinds, shared by legends (Python) and markers (gridmap.js)."""

KIND_COLORS = {
    "party_service_centre": "#d7263d",
    "building_station": "#8e5fb0",
    "courier_post": "#f4a259",
    "canteen": "#1b998b",
    "sports_room": "#2e86de",
    "reading_room": "#6ab04c",
}

-- Each community's 三方协同 indicators (the compound_indicators view, one home for their
-- rules): rates in percent for the choropleth, numerator/denominator for the popup.
SELECT m.code, m.name,
       jsonb_build_object(
           'compounds', i.compounds,
           'committee_formation', round(100.0 * i.committees / NULLIF(i.compounds, 0), 1),
           'committee_formation_n', i.committees || '/' || i.compounds,
           'owners_committee', round(100.0 * i.owners / NULLIF(i.compounds, 0), 1),
           'party_branch_coverage', round(100.0 * i.with_branch / NULLIF(i.compounds, 0), 1),
           'stairwell_branch_coverage',
               round(100.0 * i.buildings_with_branch / NULLIF(i.residential_buildings, 0), 1),
           'commissioner_coverage', round(100.0 * i.with_commissioner / NULLIF(i.compounds, 0), 1),
           'society_coverage', round(100.0 * i.with_society / NULLIF(i.compounds, 0), 1),
           'societies', i.societies,
           'property_coverage_old', round(100.0 * i.old_with_property / NULLIF(i.old, 0), 1),
           'service_level_old', round(100.0 * i.old_graded / NULLIF(i.old, 0), 1),
           'service_level_old_n', i.old_graded || '/' || i.old,
           'elevators_added', round(100.0 * i.lifts_added / NULLIF(i.walkup_units, 0), 1),
           'elevators_added_n', i.lifts_added || '/' || i.walkup_units,
           'elevators_renewed', round(100.0 * i.lifts_renewed / NULLIF(i.lifts_original, 0), 1),
           'elevators_renewed_n', i.lifts_renewed || '/' || i.lifts_original,
           'reelections_due', i.reelections_due,
           'open_cases_per_100_households',
               round(100.0 * i.open_cases / NULLIF(i.households, 0), 2)
       ) AS props, m.geom
FROM communities m
JOIN compound_indicators i ON i.community_code = m.code
WHERE m.geom && ST_MakeEnvelope(:minx, :miny, :maxx, :maxy, 4326)

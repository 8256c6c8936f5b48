"""Couriers as the district's eyes (issue #32): riders registered by their 驿站, their reports,
the points accepted ones earn and their redemption at a 驿站, and where they report against
where grid workers patrol."""

-- grain: one row: the first and last year with any observation
select min(year) as first_year, max(year) as last_year
from observations

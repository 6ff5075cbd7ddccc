-- grain: one row: the first and last year of any observation or project (planned projects reach ahead)
with years as (
    select year from observations
    union all
    select year(start_date) from projects
    union all
    select year(end_date) from projects
)

select min(year) as first_year, max(year) as last_year
from years

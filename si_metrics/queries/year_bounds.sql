-- grain: one row: the first and last year of any observation or project (planned projects reach ahead), and the
-- years the observations themselves cover (the period a visitor starts with)
with years as (
    select year, true as observed from observations
    union all
    select year(start_date), false from projects
    union all
    select year(end_date), false from projects
)

select
    min(year) as first_year,
    max(year) as last_year,
    min(year) filter (where observed) as data_first_year,
    max(year) filter (where observed) as data_last_year
from years

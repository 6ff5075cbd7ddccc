-- grain: at most one row: the latest year in [year_from, year_to] with a total (sex T, age TOTAL) value
-- for one indicator and one area
select year, value, flag, source, vintage
from observations
where indicator_code = $indicator
  and region_code = $region
  and sex = 'T'
  and age = 'TOTAL'
  and year between $year_from and $year_to
order by year desc
limit 1

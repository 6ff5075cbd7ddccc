-- grain: one row per area (of $codes) and year in the period: the total value of one indicator
select region_code, year, value, flag
from totals
where indicator_code = $indicator
  and region_code in (select unnest($codes))
  and year between $year_from and $year_to
order by region_code, year

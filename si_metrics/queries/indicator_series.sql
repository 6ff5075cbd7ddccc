-- grain: one row per area and year: the indicator's total value for the listed areas within the period
select o.region_code, o.year, o.value, o.flag
from totals as o
where o.indicator_code = $indicator
  and o.region_code in (select unnest($codes))
  and o.year between $year_from and $year_to
order by o.region_code, o.year

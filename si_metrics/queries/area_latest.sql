-- grain: one row per indicator: its latest total value (sex T, age TOTAL) for each of the areas asked for, within
-- the period
select region_code, indicator_code, year, value, flag, source
from totals
where region_code in (select unnest($codes))
  and indicator_code in (select unnest($indicators))
  and year between $year_from and $year_to
qualify row_number() over (partition by region_code, indicator_code order by year desc) = 1
order by indicator_code, region_code

-- grain: one row per indicator and year with a total value (sex T, age TOTAL) for one area
select indicator_code, year
from totals
where region_code = $region
order by indicator_code, year

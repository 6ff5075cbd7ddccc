-- grain: one row per indicator (of $indicators), area (of $codes) and year with a total value (sex T, age TOTAL);
-- every year, newest first: the headline figures pick from these few rows instead of one query each
select o.indicator_code, o.region_code, o.year, o.value, o.flag, o.source
from observations as o
where o.indicator_code in (select unnest($indicators::varchar[]))
  and o.region_code in (select unnest($codes::varchar[]))
  and o.sex = 'T'
  and o.age = 'TOTAL'
order by o.indicator_code, o.region_code, o.year desc
